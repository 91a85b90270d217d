using System.Diagnostics.Metrics;

namespace HeatmapSaas.Grains.Live;

/// <summary>Live-push instruments; the API's <c>/metrics</c> renders every <c>heatmap_*</c> instrument of the process.</summary>
public static class LiveMetrics
{
    private static readonly Meter Meter = new("HeatmapSaas.Live");

    /// <summary>From the oldest change a push carries to the push leaving the grain: the coalescing wait, per push.</summary>
    public static readonly Histogram<double> PushDelaySeconds = Meter.CreateHistogram<double>("heatmap_live_push_delay_seconds", "s");
}
