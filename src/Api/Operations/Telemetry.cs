using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HeatmapSaas.Api.Operations;

/// <summary>
/// Metrics and traces on OpenTelemetry: the product's meters (every meter named <c>HeatmapSaas…</c>), Orleans'
/// own, ASP.NET Core's, HttpClient's, the runtime's and the process's, scraped at <c>/metrics</c>. With
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, metrics and traces (HTTP → grain calls → PostgreSQL) also go out over OTLP.
/// </summary>
public static class Telemetry
{
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "heatmapsaas"))
            .WithMetrics(metrics => metrics
                .AddMeter(ProductMetrics.MeterPrefix + "*")
                .AddMeter("Microsoft.Orleans")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                .AddView(MetricViews.ForPrometheus)
                // Every scrape sees the latest figures (tests read /metrics right after acting).
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        // Traces only when someone collects them: a listener alone would make every request and grain call pay
        // for activities nobody reads.
        if (otlp)
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsql())
                .UseOtlpExporter();
        }

        return builder;
    }
}
