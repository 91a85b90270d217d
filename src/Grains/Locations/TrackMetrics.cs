using System.Diagnostics.Metrics;

namespace HeatmapSaas.Grains.Locations;

/// <summary>Track-keeping instruments; <c>/metrics</c> exports every <c>HeatmapSaas*</c> meter of the process.</summary>
public static class TrackMetrics
{
    private static readonly Meter Meter = new("HeatmapSaas.Tracks");

    /// <summary>Tracks a location forgot before the reorder window let them go, because it held its cap of tracks.</summary>
    public static readonly Counter<long> ForgottenEarly = Meter.CreateCounter<long>(
        "heatmap_tracks_forgotten_early_total", "{track}", "Tracks a location forgot before their time because it held its most tracks.");
}
