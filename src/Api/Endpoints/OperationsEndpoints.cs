using HeatmapSaas.Api.Operations;

namespace HeatmapSaas.Api.Endpoints;

/// <summary><c>/metrics</c> in the Prometheus text format.</summary>
public static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/metrics", Metrics).WithTags("Operations");
        return routes;
    }

    private static async Task<IResult> Metrics(PrometheusText prometheus, IGrainFactory grains)
    {
        var gauges = new Dictionary<string, double>();
        try
        {
            gauges["heatmap_active_grains"] = await grains.GetGrain<IManagementGrain>(0).GetTotalActivationCount().WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // The cluster is briefly unreachable: the other figures are still worth scraping.
        }

        return Results.Text(prometheus.Render(gauges), "text/plain; version=0.0.4; charset=utf-8");
    }
}
