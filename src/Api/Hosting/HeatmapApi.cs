using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Endpoints;
using HeatmapSaas.Api.Errors;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace HeatmapSaas.Api.Hosting;

/// <summary>The API's services and pipeline, so Program.cs reads as a table of contents.</summary>
public static class HeatmapApi
{
    /// <summary>Largest body any route accepts (a floor-plan image); routes with smaller limits check their own.</summary>
    public const long MaxRequestBodyBytes = 5 * 1024 * 1024 + 64 * 1024;

    public static WebApplicationBuilder AddHeatmapApi(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.Configure<JsonOptions>(o => JsonSetup.Configure(o.SerializerOptions));
        builder.Services.AddErrorEnvelope();
        builder.Services.AddOpenApi();
        builder.Services.AddHostedService<DemoTenantBootstrap>();
        return builder;
    }

    public static WebApplication UseHeatmapApi(this WebApplication app)
    {
        app.UseErrorEnvelope();
        app.UseRouting();
        app.UseMiddleware<BodySizeGuard>();
        app.UseMiddleware<ApiKeyAuthentication>();

        app.MapOpenApi();
        app.MapScalarApiReference("/docs");
        app.MapHealthEndpoints();
        app.MapTenantEndpoints();
        app.MapLocationEndpoints();
        app.MapHeatmapEndpoints();
        app.MapIngestEndpoints();
        app.MapTrafficEndpoints();
        app.MapAnalyticsEndpoints();
        return app;
    }
}
