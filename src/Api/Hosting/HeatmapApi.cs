using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Billing;
using HeatmapSaas.Api.Demo;
using HeatmapSaas.Api.Errors;
using HeatmapSaas.Api.Footfall;
using HeatmapSaas.Api.Heatmaps;
using HeatmapSaas.Api.Hosting.OpenApi;
using HeatmapSaas.Api.Idempotency;
using HeatmapSaas.Api.LandingPages;
using HeatmapSaas.Api.Live;
using HeatmapSaas.Api.Locations;
using HeatmapSaas.Api.Locations.Ingest;
using HeatmapSaas.Api.Operations;
using HeatmapSaas.Api.Tenants;
using HeatmapSaas.Api.Webhooks;
using HeatmapSaas.Grains;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.SignalR;
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
        builder.AddTelemetry();
        builder.Services.AddOpenApi(o => o.DescribeIdempotencyKeys().DescribeContract().DescribeSchemas());
        builder.Services.AddSingleton<ApiKeyCache>();
        builder.Services.AddSingleton<LocationAddresses>();
        builder.Services.AddSingleton<HubKeyWatch>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HubKeyWatch>());
        builder.Services.AddSingleton<HubAccess>();
        builder.Services.AddSignalR(o => o.AddFilter<HubAccess>())
            .AddJsonProtocol(o => JsonSetup.Configure(o.PayloadSerializerOptions))
            // The 32 KB default would drop a batch of 1,000 events.
            .AddHubOptions<IngestHub>(o => o.MaximumReceiveMessageSize = SensorBatchParser.MaxBodyBytes + 64 * 1024);
        builder.Services.AddHostedService<DemoTenantBootstrap>();
        builder.Services.AddSingleton<HeatmapSaas.Api.Demo.DemoStore>();
        builder.Services.AddSingleton<HeatmapSaas.Api.Demo.DemoKeyOffer>();
        builder.Services.AddSingleton<LiveFanout>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveFanout>());
        builder.Services.AddLandingAnalytics(builder.Configuration);
        // API nodes validate prices and webhook URLs themselves, also in client mode (no silo here).
        builder.Services.AddPaymentAndWebhookSettings();
        return builder;
    }

    public static WebApplication UseHeatmapApi(this WebApplication app)
    {
        app.UseRequestIds();
        app.UseErrorEnvelope();
        // The dashboard page and its assets (wwwroot), served by the app itself: no CDN, works offline.
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseMiddleware<BodySizeGuard>();
        app.UseMiddleware<ApiKeyAuthentication>();
        app.UseMiddleware<IdempotencyKeys>();

        app.MapOpenApi();
        // Works offline and shows only this API: no CDN fonts, telemetry, hosted client or AI agent buttons.
        app.MapScalarApiReference("/docs", o =>
        {
            o.DefaultFonts = false;
            o.Telemetry = false;
            o.HideClientButton = true;
            o.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            o.Agent = new ScalarAgentOptions { Disabled = true };
        });
        app.MapHealthEndpoints();
        app.MapOperationsEndpoints();
        app.MapTenantEndpoints();
        app.MapLocationEndpoints();
        app.MapHeatmapEndpoints();
        app.MapIngestEndpoints();
        app.MapTrafficEndpoints();
        app.MapAnalyticsEndpoints();
        app.MapUsageEndpoints();
        app.MapLandingAnalytics();
        app.MapFloorPlanEndpoints();
        app.MapPaymentEndpoints();
        app.MapWebhookEndpoints();
        app.MapDemoKeyEndpoints();
        app.MapHub<IngestHub>(IngestHub.Path).RequireApiKey(Access.Ingest);
        app.MapHub<LiveHub>(LiveHub.Path).RequireApiKey(Access.Live);
        return app;
    }
}
