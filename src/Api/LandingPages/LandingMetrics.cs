using System.Diagnostics.Metrics;

namespace HeatmapSaas.Api.LandingPages;

/// <summary>Instruments of the landing analytics; <c>/metrics</c> exports every meter named <c>HeatmapSaas…</c>.</summary>
public static class LandingMetrics
{
    public static readonly Meter Meter = new("HeatmapSaas.LandingAnalytics");

    /// <summary>Tracking requests from bots and crawlers: answered with success, not counted.</summary>
    public static readonly Counter<long> BotsDropped = Meter.CreateCounter<long>(
        "heatmap_analytics_bots_dropped_total", "{event}", "Tracking requests from bots and crawlers, answered but not counted.");

    public static readonly Counter<long> EventsCounted = Meter.CreateCounter<long>(
        "heatmap_analytics_events_total", "{event}", "Landing-page events counted.");

    public static readonly Counter<long> EventsRateLimited = Meter.CreateCounter<long>(
        "heatmap_analytics_rate_limited_total", "{event}", "Landing-page events refused by the tenant's rate limit.");

    /// <summary>Creates the instruments, so they show (at zero) before the first event.</summary>
    public static void EnsureCreated() => _ = BotsDropped;
}
