using System.Diagnostics.Metrics;

namespace HeatmapSaas.Api.Analytics;

/// <summary>Instruments of the landing analytics; <c>/metrics</c> renders every <c>heatmap_*</c> instrument.</summary>
public static class LandingMetrics
{
    public static readonly Meter Meter = new("HeatmapSaas.LandingAnalytics");

    /// <summary>Tracking requests from bots and crawlers: answered with success, not counted.</summary>
    public static readonly Counter<long> BotsDropped = Meter.CreateCounter<long>("heatmap_analytics_bots_dropped_total");

    public static readonly Counter<long> EventsCounted = Meter.CreateCounter<long>("heatmap_analytics_events_total");

    public static readonly Counter<long> EventsRateLimited = Meter.CreateCounter<long>("heatmap_analytics_rate_limited_total");

    /// <summary>Creates the instruments, so they show (at zero) before the first event.</summary>
    public static void EnsureCreated() => _ = BotsDropped;
}
