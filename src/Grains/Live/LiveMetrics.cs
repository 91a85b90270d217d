using System.Diagnostics.Metrics;

namespace HeatmapSaas.Grains.Live;

/// <summary>Live-push instruments; <c>/metrics</c> exports every meter named <c>HeatmapSaas…</c> of the process.</summary>
public static class LiveMetrics
{
    private static readonly Meter Meter = new("HeatmapSaas.Live");

    /// <summary>From the oldest change a push carries to the push leaving the grain: the coalescing wait, per push.</summary>
    public static readonly Histogram<double> PushDelaySeconds = Meter.CreateHistogram(
        "heatmap_live_push_delay_seconds", "s", "From the oldest change a live push carries to the push leaving the grain.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
}
