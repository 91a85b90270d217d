using System.Diagnostics.Metrics;

namespace HeatmapSaas.Api.Operations;

/// <summary>
/// The API's product instruments. A product metric is a plain <see cref="System.Diagnostics.Metrics"/> instrument
/// on a meter whose name starts with <see cref="MeterPrefix"/>, with a unit and a description (Prometheus' HELP);
/// OpenTelemetry exports every such meter at <c>/metrics</c>.
/// </summary>
public static class ProductMetrics
{
    public const string MeterPrefix = "HeatmapSaas";

    public static readonly Meter Meter = new(MeterPrefix);

    public static readonly Counter<long> EventsAccepted = Meter.CreateCounter<long>(
        "heatmap_events_accepted_total", "{event}", "Sensor events accepted by ingest (not counting duplicate batches).");

    public static readonly Counter<long> EventsRejected = Meter.CreateCounter<long>(
        "heatmap_events_rejected_total", "{event}", "Sensor events rejected one by one (out of bounds, too old, …).");

    public static readonly Counter<long> Batches = Meter.CreateCounter<long>(
        "heatmap_batches_total", "{batch}", "Sensor batches answered 202, duplicates included.");

    public static readonly Counter<long> DuplicateBatches = Meter.CreateCounter<long>(
        "heatmap_batches_duplicate_total", "{batch}", "Sensor batches whose batch_id the location had already acknowledged.");

    public static readonly Histogram<double> IngestSeconds = Meter.CreateHistogram(
        "heatmap_ingest_seconds", "s", "Time to answer a sensor batch, from parsed body to receipt; outcome accepted or duplicate.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    public static readonly UpDownCounter<long> LiveConnections = Meter.CreateUpDownCounter<long>(
        "heatmap_live_connections", "{connection}", "Open connections to the live hub on this API node.");

    public static void Record(Ingest receipt, double seconds)
    {
        Batches.Add(1);
        IngestSeconds.Record(seconds, new KeyValuePair<string, object?>("outcome", receipt.Duplicate ? "duplicate" : "accepted"));
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
