using System.Diagnostics.Metrics;

namespace HeatmapSaas.Grains.Ingest;

/// <summary>
/// How far the silo's location grains are ahead of their checkpoints: what a crash would make them replay. Rendered
/// on <c>/metrics</c> with the other <c>heatmap_*</c> instruments.
/// </summary>
public static class CheckpointMetrics
{
    public static readonly Meter Meter = new("HeatmapSaas.Checkpoints");

    /// <summary>Batches applied in memory but not yet under a checkpoint, over all active locations of this silo.</summary>
    public static readonly UpDownCounter<long> LogDepth = Meter.CreateUpDownCounter<long>("heatmap_ingest_log_depth");

    /// <summary>At each checkpoint: how long its oldest uncheckpointed batch had waited.</summary>
    public static readonly Histogram<double> CheckpointAge = Meter.CreateHistogram<double>("heatmap_checkpoint_age_seconds");

    public static readonly Counter<long> CheckpointFailures = Meter.CreateCounter<long>("heatmap_checkpoint_failures_total");

    /// <summary>Batches applied again from the log on activation (or after an append whose outcome was unknown).</summary>
    public static readonly Counter<long> ReplayedBatches = Meter.CreateCounter<long>("heatmap_ingest_replayed_batches_total");

    /// <summary>Logged batches that threw while being applied and were skipped (kept in the log) so the location serves on.</summary>
    public static readonly Counter<long> QuarantinedBatches = Meter.CreateCounter<long>("heatmap_ingest_quarantined_batches_total");
}
