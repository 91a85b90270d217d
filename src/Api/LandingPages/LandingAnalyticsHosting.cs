// In the hosting namespace so HeatmapApi registers landing analytics with one line each and no extra using.
namespace HeatmapSaas.Api.LandingPages;

public static class LandingAnalyticsHosting
{
    /// <summary>Trusted proxies, the visitor hasher and the metrics of the landing analytics.</summary>
    public static IServiceCollection AddLandingAnalytics(this IServiceCollection services, IConfiguration config) =>
        LandingAnalyticsEndpoints.AddServices(services, config);

    /// <summary><c>POST /api/analytics/track</c> (+ preflight), <c>GET /api/analytics/{tenantId}[/today]</c>, <c>/t.js</c>.</summary>
    public static IEndpointRouteBuilder MapLandingAnalytics(this IEndpointRouteBuilder routes) =>
        LandingAnalyticsEndpoints.Map(routes);
}
