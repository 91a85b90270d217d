using System.Diagnostics.Metrics;

namespace HeatmapSaas.Grains.Locations;

/// <summary>
/// How far the silo's location grains are ahead of their checkpoints: what a crash would make them replay. Exported
/// at <c>/metrics</c> with every meter named <c>HeatmapSaas…</c>.
/// </summary>
public static class CheckpointMetrics
{
    public static readonly Meter Meter = new("HeatmapSaas.Checkpoints");

    /// <summary>Batches applied in memory but not yet under a checkpoint, over all active locations of this silo.</summary>
    public static readonly UpDownCounter<long> LogDepth = Meter.CreateUpDownCounter<long>(
        "heatmap_ingest_log_depth", "{batch}", "Batches applied in memory but not yet under a checkpoint (what a crash would replay).");

    /// <summary>At each checkpoint: how long its oldest uncheckpointed batch had waited.</summary>
    public static readonly Histogram<double> CheckpointAge = Meter.CreateHistogram(
        "heatmap_checkpoint_age_seconds", "s", "At each checkpoint, how long its oldest uncheckpointed batch had waited.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] });

    public static readonly Counter<long> CheckpointFailures = Meter.CreateCounter<long>(
        "heatmap_checkpoint_failures_total", "{checkpoint}", "Checkpoints that failed to be written (retried later).");

    /// <summary>Batches applied again from the log on activation (or after an append whose outcome was unknown).</summary>
    public static readonly Counter<long> ReplayedBatches = Meter.CreateCounter<long>(
        "heatmap_ingest_replayed_batches_total", "{batch}", "Batches applied again from the ingest log on activation.");

    /// <summary>Logged batches that threw while being applied and were skipped (kept in the log) so the location serves on.</summary>
    public static readonly Counter<long> QuarantinedBatches = Meter.CreateCounter<long>(
        "heatmap_ingest_quarantined_batches_total", "{batch}", "Logged batches that could not be applied, skipped and kept in the log.");
}
