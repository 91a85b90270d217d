using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HeatmapSaas.LandingPages;
using HeatmapSaas.Tests.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HeatmapSaas.Tests.LandingPages;

/// <summary>The app with a controllable clock (2026-03-08 12:00 UTC, the last day of seed 001's example) and a
/// known salt.</summary>
public class LandingApiHost : FixedClockApiHost
{
    public const string Salt = "test-salt-001";

    public LandingApiHost()
        : this(new DateTimeOffset(2026, 3, 8, 12, 0, 0, TimeSpan.Zero))
    {
    }

    protected LandingApiHost(DateTimeOffset start)
        : base(start)
    {
    }

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Heatmap:Analytics:Salt"] = Salt,
    };

    public ILandingAnalyticsGrain Analytics(long tenantId) => Grains.GetGrain<ILandingAnalyticsGrain>(tenantId);

    /// <summary>Posts one tracking event as a landing page would; <paramref name="ip"/> goes in X-Forwarded-For (the
    /// test client connects over loopback, a trusted proxy by default).</summary>
    public async Task<HttpResponseMessage> TrackAsync(
        long tenantId, string eventType, object? metadata = null, string? ip = null, string? userAgent = null,
        string contentType = "application/json", string? referer = null)
    {
        var body = JsonSerializer.Serialize(metadata is null
            ? new Dictionary<string, object?> { ["tenant_id"] = tenantId, ["event_type"] = eventType }
            : new Dictionary<string, object?> { ["tenant_id"] = tenantId, ["event_type"] = eventType, ["metadata"] = metadata });
        return await PostTrackAsync(body, contentType, ip, userAgent, referer);
    }

    public async Task<HttpResponseMessage> PostTrackAsync(
        string body, string contentType = "application/json", string? ip = null, string? userAgent = null, string? referer = null)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/analytics/track")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (ip is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", ip);
        }

        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        if (referer is not null)
        {
            request.Headers.TryAddWithoutValidation("Referer", referer);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Posts and asserts the seed's <c>{"success": true}</c>.</summary>
    public async Task TrackOkAsync(long tenantId, string eventType, object? metadata = null, string? ip = null, string? userAgent = null)
    {
        var body = await (await TrackAsync(tenantId, eventType, metadata, ip, userAgent)).Json(200);
        Assert.True(body.GetProperty("success").GetBoolean());
    }
}

/// <summary>Starts at 03:30 UTC on 8 March 2026: 22:30 on the 7th in New York, 12:30 on the 8th in Tokyo.</summary>
public sealed class BeforeMidnightHost() : LandingApiHost(new DateTimeOffset(2026, 3, 8, 3, 30, 0, TimeSpan.Zero));

/// <summary>Trusts only a proxy the tests never connect from, so X-Forwarded-For must be ignored.</summary>
public sealed class UntrustedProxyHost : LandingApiHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Heatmap:Analytics:Salt"] = Salt,
        ["Heatmap:Analytics:TrustedProxies"] = "10.1.2.3, 192.168.0.0/16",
    };
}

/// <summary>No configured salt: the cluster generates and keeps one.</summary>
public sealed class GeneratedSaltHost : LandingApiHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>();
}

/// <summary>
/// The real clock, and a landing page for the browser test, added through the test host only:
/// <c>/test/landing.html?tenant=ID&amp;script=URL</c> includes the snippet exactly as a tenant would paste it;
/// <c>/test/elsewhere.html</c> is where the visitor goes next.
/// </summary>
public sealed class LandingPageHost : ApiHost
{
    protected override void Customize(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<IStartupFilter, LandingPageFilter>();

    private sealed class LandingPageFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (context.Request.Path == "/test/elsewhere.html")
                {
                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.WriteAsync("<!doctype html><title>Elsewhere</title><link rel=\"icon\" href=\"data:,\"><p>Another page");
                    return;
                }

                if (context.Request.Path != "/test/landing.html")
                {
                    await nextMiddleware(context);
                    return;
                }

                var tenant = System.Net.WebUtility.HtmlEncode(context.Request.Query["tenant"].ToString());
                var script = System.Net.WebUtility.HtmlEncode(context.Request.Query["script"].ToString());
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync($$"""
                    <!doctype html>
                    <html lang="en">
                    <head><meta charset="utf-8"><title>Test landing page</title><link rel="icon" href="data:,">
                    <script src="{{script}}" data-tenant="{{tenant}}" defer></script></head>
                    <body>
                      <h1>Cafe Aurora</h1>
                      <a id="whatsapp" href="#contact" data-heatmap-event="click_whatsapp" data-heatmap-button-location="hero">
                        <span id="whatsapp-label">WhatsApp us</span></a>
                      <button id="product" data-heatmap-event="product_click" data-heatmap-product-id="42">Cappuccino</button>
                      <button id="plain">Not tracked</button>
                    </body>
                    </html>
                    """);
            });
            next(app);
        };
    }
}
