using System.Diagnostics.Metrics;

namespace HeatmapSaas.Grains.Ingest;

/// <summary>Track-keeping instruments; the API's <c>/metrics</c> renders every <c>heatmap_*</c> instrument of the process.</summary>
public static class TrackMetrics
{
    private static readonly Meter Meter = new("HeatmapSaas.Tracks");

    /// <summary>Tracks a location forgot before the reorder window let them go, because it held its cap of tracks.</summary>
    public static readonly Counter<long> ForgottenEarly = Meter.CreateCounter<long>("heatmap_tracks_forgotten_early_total");
}
