using System.Globalization;
using System.Net.Http.Json;
using HeatmapSaas.Tests.Api;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace HeatmapSaas.Tests.Browser;

/// <summary>
/// The dashboard page in a real browser (Debian's Chromium, driven by Playwright): a key, a location and a heatmap
/// picked, then a batch ingested through the REST API must show on the canvas and in the counters, pushed live.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DashboardBrowserTests(DashboardHost host, ITestOutputHelper output) : ChromiumTests, IClassFixture<DashboardHost>
{
    [Fact]
    public async Task Ingested_events_paint_the_heatmap_and_move_the_counters_live()
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new
        {
            name = "Browser Store",
            slug = "browser-store",
            timezone = "UTC",
            floor_plan = new { width = 800, height = 600 },
        })).Json(201)).GetProperty("id").GetString()!;
        var heatmap = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new
        {
            name = "Footfall",
            location_id = location,
            type = "customer_flow",
            cell_size = 20,
        })).Json(201)).GetProperty("id").GetString()!;

        await using var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var dashboard = await DashboardPage.OpenAsync(context, host.BaseAddress);
        var page = dashboard.Page;
        // The browser's clock, so gateways can be seen going stale hours later without waiting hours.
        await page.Clock.InstallAsync();
        await dashboard.ConnectAsync(tenant.ApiKey);
        await page.Locator("#location").SelectOptionAsync(location);
        await page.Locator("#heatmap").SelectOptionAsync(heatmap);

        // Today's (empty) picture is on screen: nothing painted, counters at zero, the floor plain.
        var floor = page.Locator("#floor");
        await Expect(floor).ToHaveAttributeAsync("data-heatmap", heatmap);
        await Expect(page.Locator("#counter-visitors .value")).ToHaveTextAsync("0");
        await Expect(floor).ToHaveAttributeAsync("data-painted-cells", "0");
        await Expect(page.Locator("#gateways li.none")).ToBeVisibleAsync();
        await Expect(page.Locator("#landing")).ToHaveAttributeAsync("data-state", "empty");
        await Expect(page.Locator("#landing")).ToBeHiddenAsync();
        var hotSpot = await PixelAtAsync(page, 150, 250);
        Assert.Equal([238, 241, 245, 255], hotSpot);

        // Two shoppers: t-1 twice in cell (7, 12), t-2 once in cell (30, 20).
        var now = DateTimeOffset.UtcNow;
        string Ts(double secondsAgo) => now.AddSeconds(-secondsAgo).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var receipt = await (await tenant.Http.PostAsJsonAsync($"/v1/locations/{location}/events", new
        {
            batch_id = "browser-1",
            gateway_id = "gw-browser",
            events = new object[]
            {
                new { type = "position", track_id = "t-1", ts = Ts(3), x = 150.0, y = 250.0 },
                new { type = "position", track_id = "t-2", ts = Ts(2.5), x = 610.0, y = 410.0 },
                new { type = "position", track_id = "t-1", ts = Ts(2), x = 155.0, y = 255.0 },
            },
        })).Json(202);
        Assert.Equal(3, receipt.GetProperty("accepted").GetInt32());

        await Expect(page.Locator("#counter-visitors .value")).ToHaveTextAsync("2");
        await Expect(page.Locator("#counter-occupancy .value")).ToHaveTextAsync("2");
        await Expect(page.Locator("#counter-impressions .value")).ToHaveTextAsync("2");
        await Expect(floor).ToHaveAttributeAsync("data-painted-cells", "2");
        await Expect(floor).ToHaveAttributeAsync("data-max-count", "2");

        // The hottest cell is painted the top of the scale (dark red over the floor), the other one lighter.
        await page.WaitForFunctionAsync($"() => {{ {PixelScript}; const [r, g, b] = pixel(150, 250); return r > 150 && g < 90 && b < 120; }}");
        var hot = await PixelAtAsync(page, 150, 250);
        var warm = await PixelAtAsync(page, 610, 410);
        var untouched = await PixelAtAsync(page, 430, 130);
        Assert.NotEqual(hot, warm);
        Assert.True(warm[1] > hot[1], $"the cell with fewer samples should be lighter: {string.Join(",", warm)} vs {string.Join(",", hot)}");
        Assert.Equal([238, 241, 245, 255], untouched);

        // Impressions by hour (Chart.js) and the gateway strip follow; plurals read right.
        await Expect(page.Locator("#chart-hourly")).ToHaveAttributeAsync("data-total", "2");
        await Expect(page.Locator("#last-update")).ToContainTextAsync("1 gateway online");
        await Expect(page.Locator("#gateways li[data-gateway='gw-browser']")).ToHaveAttributeAsync("data-online", "true");

        // Landing-page events of this tenant show in their panel on the next load (it refreshes with the usage line).
        const string desktop = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0";
        const string phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        var landingEvents = new (string Type, object? Metadata, string UserAgent)[]
        {
            ("pageview", new { path = "/", referrer = "https://www.google.com/" }, desktop),
            ("pageview", new { path = "/menu" }, phone),
            ("pageview", new { path = "/menu", referrer = "https://google.com/" }, phone),
            ("click_whatsapp", null, desktop),
            ("click_whatsapp", null, desktop),
            ("qr_scan", null, desktop),
        };
        foreach (var (eventType, metadata, userAgent) in landingEvents)
        {
            using var track = new HttpRequestMessage(HttpMethod.Post, "/api/analytics/track")
            {
                Content = JsonContent.Create(new { tenant_id = tenant.Id, event_type = eventType, metadata }),
            };
            track.Headers.UserAgent.ParseAdd(userAgent);
            (await tenant.Http.SendAsync(track)).EnsureSuccessStatusCode();
        }

        await page.ReloadAsync();
        await Expect(page.Locator("#landing")).ToHaveAttributeAsync("data-state", "shown");
        await Expect(page.Locator("#landing")).ToBeVisibleAsync();
        await Expect(page.Locator("#landing-whatsapp_clicks")).ToHaveTextAsync("2");
        await Expect(page.Locator("#landing-qr_scans")).ToHaveTextAsync("1");
        await Expect(page.Locator("#landing-visitors_today")).ToHaveTextAsync("1");
        await Expect(page.Locator("#landing-call_clicks")).ToHaveTextAsync("0");
        await Expect(page.Locator("#landing-days rect")).ToHaveCountAsync(7);
        // What Plausible shows first: top pages, sources and devices, most viewed first.
        await Expect(page.Locator("#landing-pages li")).ToHaveTextAsync(["/menu2", "/1"]);
        await Expect(page.Locator("#landing-referrers li")).ToHaveTextAsync(["google.com2", "direct1"]);
        await Expect(page.Locator("#landing-devices li")).ToHaveTextAsync(["mobile2", "desktop1"]);
        await Expect(floor).ToHaveAttributeAsync("data-painted-cells", "2"); // the reloaded page is whole again

        output.WriteLine($"screenshot: {await dashboard.ScreenshotAsync("dashboard")}");
        Assert.Empty(dashboard.Problems);

        // Hours later (the browser's clock) the silent gateway is marked stale; after a day it leaves the list.
        await page.Clock.FastForwardAsync("03:00:00");
        await Expect(page.Locator("#gateways li[data-gateway='gw-browser']")).ToHaveClassAsync("stale");
        await Expect(page.Locator("#gateways li[data-gateway='gw-browser']")).ToContainTextAsync("last seen 3 h ago");
        await page.Clock.FastForwardAsync("22:00:00");
        await Expect(page.Locator("#gateways li[data-gateway='gw-browser']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#gateways-aged")).ToHaveTextAsync("1 gateway not seen for over a day is not listed.");
    }

    [Fact]
    public async Task A_wrong_key_is_refused_and_not_kept()
    {
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.BaseAddress.ToString());
        await page.FillAsync("#api-key", "hm_live_not-a-real-key-not-a-real-key-00");
        await page.ClickAsync("#connect");

        await Expect(page.Locator("#message")).ToHaveTextAsync("That API key was not accepted.");
        await Expect(page.Locator("#dashboard")).ToBeHiddenAsync();
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('heatmapsaas.apiKey')"));
    }

    /// <summary>Defines <c>pixel(x, y)</c>: the RGBA of the floor canvas at a point in floor units.</summary>
    private const string PixelScript = """
        const canvas = document.getElementById('floor');
        const pixel = (x, y) => Array.from(canvas.getContext('2d').getImageData(
            Math.floor(x * canvas.width / Number(canvas.dataset.floorWidth)),
            Math.floor(y * canvas.height / Number(canvas.dataset.floorHeight)), 1, 1).data)
        """;

    private static async Task<int[]> PixelAtAsync(IPage page, double x, double y) =>
        await page.EvaluateAsync<int[]>($"([x, y]) => {{ {PixelScript}; return pixel(x, y); }}", new[] { x, y });
}
