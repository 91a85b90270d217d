using OpenTelemetry.Metrics;

namespace HeatmapSaas.Api.Operations;

/// <summary><c>/metrics</c>: OpenTelemetry's Prometheus exporter (see Operations/Telemetry.cs).</summary>
public static class OperationsEndpoints
{
    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPrometheusScrapingEndpoint("/metrics");
        return routes;
    }
}
