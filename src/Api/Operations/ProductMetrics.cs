using System.Diagnostics.Metrics;

namespace HeatmapSaas.Api.Operations;

/// <summary>The product's own instruments; <see cref="PrometheusText"/> renders every <c>heatmap_*</c> instrument.</summary>
public static class ProductMetrics
{
    public static readonly Meter Meter = new("HeatmapSaas");

    public static readonly Counter<long> EventsAccepted = Meter.CreateCounter<long>("heatmap_events_accepted_total");
    public static readonly Counter<long> EventsRejected = Meter.CreateCounter<long>("heatmap_events_rejected_total");
    public static readonly Counter<long> Batches = Meter.CreateCounter<long>("heatmap_batches_total");
    public static readonly Counter<long> DuplicateBatches = Meter.CreateCounter<long>("heatmap_batches_duplicate_total");
    public static readonly Histogram<double> IngestSeconds = Meter.CreateHistogram<double>("heatmap_ingest_seconds");
    public static readonly UpDownCounter<long> LiveConnections = Meter.CreateUpDownCounter<long>("heatmap_live_connections");

    public static void Record(Ingest receipt, double seconds)
    {
        Batches.Add(1);
        IngestSeconds.Record(seconds);
        if (receipt.Duplicate)
        {
            DuplicateBatches.Add(1);
            return;
        }

        EventsAccepted.Add(receipt.Accepted);
        EventsRejected.Add(receipt.Rejected);
    }

    public readonly record struct Ingest(int Accepted, int Rejected, bool Duplicate);
}
