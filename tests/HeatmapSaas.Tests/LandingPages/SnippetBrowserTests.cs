using System.Text.Json;
using HeatmapSaas.LandingPages;
using HeatmapSaas.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace HeatmapSaas.Tests.LandingPages;

/// <summary>
/// The snippet in a real browser (the system Chromium, driven by Playwright): a landing page on another origin
/// includes <c>/t.js</c> as a tenant would paste it; its page view, clicks and time on page reach the dashboard.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SnippetBrowserTests(LandingPageHost host) : IClassFixture<LandingPageHost>
{
    private const string ChromiumPath = "/usr/bin/chromium";

    // A desktop browser's user agent: headless Chromium's own says "HeadlessChrome", which the bot list drops. Set
    // for the whole browser too, as beacons sent while a page unloads carry the browser's, not the context's.
    private const string UserAgent =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Clicks_on_a_landing_page_show_up_in_the_dashboard()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: scripts/test.sh installs it (apt-get install chromium)");
        var tenant = await host.CreateTenantAsync();
        var port = host.BaseAddress.Port;
        // The page lives on localhost, the API on 127.0.0.1: two origins, as a tenant's site and our host are.
        var script = $"http://127.0.0.1:{port}/t.js";
        var pageUrl = $"http://localhost:{port}/test/landing.html?tenant={tenant.Id}&script={Uri.EscapeDataString(script)}";

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--user-agent=" + UserAgent],
        });
        await using var context = await browser.NewContextAsync(new() { UserAgent = UserAgent });
        var page = await context.NewPageAsync();
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add(message.Text);
            }
        };

        await page.GotoAsync(pageUrl);
        await page.WaitForFunctionAsync("() => !!window.heatmapAnalytics");
        await WaitForAsync(tenant, t => t.GetProperty("visitors_today").GetInt32() == 1, "the page view");

        await page.ClickAsync("#whatsapp-label"); // a child of the marked element counts for it
        await WaitForAsync(tenant, t => t.GetProperty("whatsapp_clicks").GetInt32() == 1, "the WhatsApp click");

        await page.ClickAsync("#product");
        await page.ClickAsync("#plain");
        await WaitForAsync(tenant, t => t.GetProperty("products_viewed").GetInt32() == 1, "the product click");

        // The seed's example, cross-origin with Content-Type: application/json: the browser sends a preflight first.
        var answer = await page.EvaluateAsync<JsonElement>("""
            async ([endpoint, tenant]) => {
              const response = await fetch(endpoint, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ tenant_id: tenant, event_type: 'click_whatsapp', metadata: { button_location: 'hero' } })
              });
              return { status: response.status, body: await response.json() };
            }
            """, new object[] { $"http://127.0.0.1:{port}/api/analytics/track", tenant.Id });
        Assert.Equal(200, answer.GetProperty("status").GetInt32());
        Assert.True(answer.GetProperty("body").GetProperty("success").GetBoolean());

        // Leaving the page (for another site's page) sends time_on_page by beacon.
        await page.GotoAsync($"http://localhost:{port}/test/elsewhere.html");
        var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ILandingAnalyticsGrain>(tenant.Id);
        var stored = await EventuallyAsync(
            async () => await grain.GetRecentAsync(),
            hits => hits.Any(h => h.Type == LandingEventType.TimeOnPage),
            "the time_on_page beacon");

        var dashboard = (await (await tenant.Http.GetAsync($"/api/analytics/{tenant.Id}")).Json(200)).GetProperty("data");
        Assert.Equal(1, dashboard.GetProperty("visitors_today").GetInt32());
        Assert.Equal(2, dashboard.GetProperty("whatsapp_clicks").GetInt32());
        Assert.Equal(1, dashboard.GetProperty("last_7_days")[6].GetProperty("visitors").GetInt32());

        Assert.Equal(
            [LandingEventType.Pageview, LandingEventType.ClickWhatsapp, LandingEventType.ProductClick, LandingEventType.ClickWhatsapp, LandingEventType.TimeOnPage],
            stored.Select(h => h.Type));
        Assert.All(stored, h => Assert.Equal(UserAgent, h.UserAgent));
        Assert.All(stored, h => Assert.StartsWith($"http://localhost:{port}/", h.Referrer));
        Assert.Equal("""{"button_location":"hero"}""", stored[1].MetadataJson);
        Assert.Equal("""{"product_id":"42"}""", stored[2].MetadataJson);
        Assert.Contains("\"path\":\"/test/landing.html\"", stored[0].MetadataJson);
        var seconds = JsonDocument.Parse(stored[^1].MetadataJson!).RootElement.GetProperty("seconds").GetDouble();
        Assert.InRange(seconds, 0, Patience.TotalSeconds * 4);
        Assert.Empty(consoleErrors);
    }

    private Task WaitForAsync(TestTenant tenant, Func<JsonElement, bool> done, string what) =>
        EventuallyAsync(async () => await (await tenant.Http.GetAsync($"/api/analytics/{tenant.Id}/today")).Json(200), done, what);

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}; last seen: {JsonSerializer.Serialize(value)}");
            await Task.Delay(100);
        }
    }
}
