using System.Text.Json;
using System.Text.RegularExpressions;
using HeatmapSaas.Api.Demo;
using HeatmapSaas.Tests.Api;
using HeatmapSaas.Tests.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace HeatmapSaas.Tests.Browser;

/// <summary>
/// The dashboard beyond today, on stores seeded through the public API: periods against the previous equal
/// period, the hourly/daily/weekly charts, the period's heatmap and its playback; every store at a glance with
/// zones under their store, on a phone too; and the first run's offer of the Demo key.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DashboardPeriodsBrowserTests(DashboardHost host, ITestOutputHelper output) : ChromiumTests, IClassFixture<DashboardHost>
{
    [Fact]
    public async Task Periods_compare_with_the_previous_one_and_the_heatmap_plays_back_hour_by_hour()
    {
        var tenant = await host.CreateTenantAsync();
        var (location, heatmap) = await DashboardPage.CreateStoreAsync(tenant, "periods");
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var yesterday = today.AddDays(-1);
        // Yesterday: two shoppers at 10:00 in one cell, one at 14:00 in another. The day before: one. 20 days ago: two.
        await DashboardPage.SeedAsync(tenant, location, "seed-1",
            ("old-1", today.AddDays(-20).AddHours(12), 300, 300),
            ("old-2", today.AddDays(-20).AddHours(12), 300, 300),
            ("before-1", yesterday.AddDays(-1).AddHours(10), 150, 250),
            ("y-1", yesterday.AddHours(10), 150, 250),
            ("y-2", yesterday.AddHours(10).AddMinutes(5), 155, 255),
            ("y-3", yesterday.AddHours(14), 610, 410));

        await using var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        var dashboard = await DashboardPage.OpenAsync(context, host.BaseAddress);
        var page = dashboard.Page;
        await dashboard.ConnectAsync(tenant.ApiKey);
        await Expect(page.Locator("#floor")).ToHaveAttributeAsync("data-heatmap", heatmap); // one store: it opens

        await dashboard.ChoosePeriodAsync("yesterday");
        await Expect(page.Locator("#counter-visitors .value")).ToHaveTextAsync("3");
        await Expect(page.Locator("#counter-visitors")).ToHaveAttributeAsync("data-previous", "1");
        await Expect(page.Locator("#counter-visitors .change")).ToHaveTextAsync("+200% · was 1");
        await Expect(page.Locator("#counter-occupancy")).ToHaveCountAsync(0); // "now" belongs to today only
        await Expect(page.Locator("#chart-hourly")).ToHaveAttributeAsync("data-points", "24");
        await Expect(page.Locator("#chart-hourly")).ToHaveAttributeAsync("data-previous-total", "1");

        // The period's heatmap from REST: both cells; the playback steps through its two hours on one scale.
        var floor = page.Locator("#floor");
        await Expect(floor).ToHaveAttributeAsync("data-painted-cells", "2");
        await Expect(floor).ToHaveAttributeAsync("data-max-count", "2");
        await Expect(page.Locator("#playback")).ToHaveAttributeAsync("max", "2");
        await page.Locator("#playback").FillAsync("1");
        var day = yesterday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.Locator("#playback-label")).ToHaveTextAsync($"{day} 14:00");
        await Expect(floor).ToHaveAttributeAsync("data-painted-cells", "1");
        await Expect(floor).ToHaveAttributeAsync("data-max-count", "2"); // the hottest hour's scale, kept
        // Smoothed: the cell's centre has its own colour, and the colour fades out across the next cell, not at its edge.
        var centre = await PixelAsync(page, 610, 410);
        var edge = await PixelAsync(page, 625, 410);
        var beyond = await PixelAsync(page, 640, 410);
        Assert.NotEqual(centre, edge);
        Assert.NotEqual(edge, beyond);
        await page.Locator("#play").ClickAsync();
        await Expect(page.Locator("#playback")).ToHaveAttributeAsync("data-step", "all"); // played through, whole period again
        await Expect(floor).ToHaveAttributeAsync("data-painted-cells", "2");

        await dashboard.ChoosePeriodAsync("7d");
        await Expect(page.Locator("#counter-visitors .value")).ToHaveTextAsync("4");
        await Expect(page.Locator("#counter-visitors .change")).ToHaveTextAsync("new · was 0");
        await Expect(page.Locator("#chart-daily")).ToHaveAttributeAsync("data-points", "14");
        await Expect(page.Locator("#chart-daily")).ToHaveAttributeAsync("data-total", "4");
        await Expect(floor).ToHaveAttributeAsync("data-painted-cells", "2");
        output.WriteLine($"screenshot: {await dashboard.ScreenshotAsync("dashboard-periods")}");

        await dashboard.ChoosePeriodAsync("30d");
        await Expect(page.Locator("#counter-visitors .value")).ToHaveTextAsync("6");
        await Expect(page.Locator("#chart-daily")).ToHaveAttributeAsync("data-points", "30");
        await Expect(page.Locator("#chart-daily")).ToHaveAttributeAsync("data-total", "6");
        await Expect(page.Locator("#chart-weekly")).ToHaveAttributeAsync("data-points", "8");
        await Expect(page.Locator("#chart-weekly")).ToHaveAttributeAsync("data-total", "6");
        await Expect(floor).ToHaveAttributeAsync("data-painted-cells", "3");

        await page.Locator("#period").SelectOptionAsync("custom");
        await page.Locator("#from").FillAsync(yesterday.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#to").FillAsync(day);
        await Expect(page.Locator("#counter-visitors .value")).ToHaveTextAsync("4");
        await Expect(page.Locator("#period-label")).ToContainTextAsync("previous 2 days");

        Assert.Empty(dashboard.Problems);
    }

    [Fact]
    public async Task The_overview_lists_every_store_with_zones_under_it_and_fits_a_phone()
    {
        var tenant = await host.CreateTenantAsync();
        var (storeA, _) = await DashboardPage.CreateStoreAsync(tenant, "overview-a", capacity: 1);
        var (zone, _) = await DashboardPage.CreateStoreAsync(tenant, "overview-a-tills", parent: storeA);
        var (storeB, _) = await DashboardPage.CreateStoreAsync(tenant, "overview-b");
        var now = DateTimeOffset.UtcNow;
        await DashboardPage.SeedAsync(tenant, storeA, "overview-1",
            ("last-week", now.AddDays(-7).AddMinutes(-1), 100, 100),
            ("a-1", now.AddSeconds(-20), 100, 100),
            ("a-2", now.AddSeconds(-10), 200, 100));

        await using var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var dashboard = await DashboardPage.OpenAsync(context, host.BaseAddress);
        var page = dashboard.Page;
        await dashboard.ConnectAsync(tenant.ApiKey);

        var rows = page.Locator("#stores tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        Assert.Equal([storeA, zone, storeB], await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.location)"));
        await Expect(rows.Nth(1)).ToHaveClassAsync("zone");
        var a = page.Locator($"#stores tr[data-location='{storeA}']");
        await Expect(a.Locator("td[data-figure='occupancy']")).ToHaveTextAsync("2 · 200%"); // over its capacity of 1
        await Expect(a).ToHaveAttributeAsync("data-over", "true");
        await Expect(a.Locator("td[data-figure='visitors']")).ToHaveTextAsync("2");
        await Expect(a.Locator("td[data-figure='change']")).ToHaveTextAsync("+100% (1)");
        await Expect(page.Locator($"#stores tr[data-location='{storeB}'] td[data-figure='change']")).ToHaveTextAsync("no change (0)");
        await dashboard.AssertNoHorizontalOverflowAsync();
        output.WriteLine($"screenshot: {await dashboard.ScreenshotAsync("overview-390")}");

        // A row opens its store; the store view fits 360 px as well.
        await a.Locator("button").ClickAsync();
        await Expect(page.Locator("#store")).ToBeVisibleAsync();
        await Expect(page.Locator("#overview")).ToBeHiddenAsync();
        await Expect(page.Locator("#counter-visitors .value")).ToHaveTextAsync("2");
        await Expect(page.Locator("#counter-occupancy .capacity")).ToHaveTextAsync("200% of 1");
        await Expect(page.Locator("#counter-occupancy .capacity")).ToHaveAttributeAsync("data-over", "true");
        await Expect(page.Locator("#store")).ToHaveAttributeAsync("data-figures", "loaded");
        await page.SetViewportSizeAsync(360, 740);
        await dashboard.AssertNoHorizontalOverflowAsync();
        output.WriteLine($"screenshot: {await dashboard.ScreenshotAsync("store-360")}");

        Assert.Empty(dashboard.Problems);
    }

    [Fact]
    public async Task On_first_run_this_machine_is_offered_the_Demo_key()
    {
        await host.Services.GetRequiredService<DemoKeyOffer>().Kept.WaitAsync(TimeSpan.FromSeconds(30));
        await using var context = await Browser.NewContextAsync();
        var dashboard = await DashboardPage.OpenAsync(context, host.BaseAddress);
        var page = dashboard.Page;

        await Expect(page.Locator("#first-run")).ToBeVisibleAsync();
        await page.Locator("#use-demo-key").ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("live");
        await Expect(page.Locator("#dashboard")).ToBeVisibleAsync();
        await Expect(page.Locator("#first-run")).ToBeHiddenAsync();
        await Expect(page.Locator("#usage")).ToContainTextAsync("enterprise plan");
        Assert.Empty(dashboard.Problems);
    }

    [Fact]
    public async Task Locations_heatmaps_floor_plan_keys_webhooks_and_exports_are_managed_through_the_API()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var tenant = await host.CreateTenantAsync();
        var (first, _) = await DashboardPage.CreateStoreAsync(tenant, "manage-first");
        await DashboardPage.SeedAsync(tenant, first, "manage-1", ("m-1", DateTimeOffset.UtcNow.AddSeconds(-30), 100, 100));

        await using var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 1000 }, AcceptDownloads = true });
        var dashboard = await DashboardPage.OpenAsync(context, host.BaseAddress);
        var page = dashboard.Page;
        await dashboard.ConnectAsync(tenant.ApiKey);
        await Expect(page.Locator("#store")).ToHaveAttributeAsync("data-figures", "loaded");
        await page.Locator("#manage summary").ClickAsync();
        var manage = page.Locator("#manage");

        // A new store with a capacity, opened at once; then a heatmap and a floor plan for it; then an edit.
        var create = manage.Locator("[data-part='location-create']");
        await create.Locator("[name='name']").FillAsync("Second Store");
        await create.Locator("[name='timezone']").FillAsync("Europe/Paris");
        await create.Locator("[name='capacity']").FillAsync("5");
        await create.Locator("button[type='submit']").ClickAsync();
        await Expect(create.Locator(".form-status")).ToHaveTextAsync("created Second Store (second-store)");
        var second = await page.Locator("#location").InputValueAsync();
        var stored = await (await tenant.Http.GetAsync($"/v1/locations/{second}")).Json(200);
        Assert.Equal("second-store", stored.GetProperty("slug").GetString());
        Assert.Equal(5, stored.GetProperty("capacity").GetInt32());
        Assert.Equal("Europe/Paris", stored.GetProperty("timezone").GetString());

        var heatmapForm = manage.Locator("[data-part='heatmap-create']");
        await heatmapForm.Locator("[name='name']").FillAsync("Second flow");
        await heatmapForm.Locator("button[type='submit']").ClickAsync();
        await Expect(heatmapForm.Locator(".form-status")).ToHaveTextAsync("created Second flow");
        await Expect(page.Locator("#heatmap option")).ToHaveTextAsync(["Second flow"]);

        var plan = manage.Locator("[data-part='floor-plan']");
        await plan.Locator("[name='image']").SetInputFilesAsync(new FilePayload { Name = "plan.png", MimeType = "image/png", Buffer = FloorPlanPng() });
        await plan.Locator("button[type='submit']").ClickAsync();
        await Expect(plan.Locator(".form-status")).ToHaveTextAsync("floor plan stored");
        var image = await tenant.Http.GetAsync($"/v1/locations/{second}/floor-plan");
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);

        var edit = manage.Locator("[data-part='location-edit']");
        await Expect(edit.Locator("[name='capacity']")).ToHaveValueAsync("5");
        await edit.Locator("[name='capacity']").FillAsync("");
        await edit.Locator("button[type='submit']").ClickAsync();
        await Expect(edit.Locator(".form-status")).ToHaveTextAsync("saved");
        Assert.Equal(JsonValueKind.Null, (await (await tenant.Http.GetAsync($"/v1/locations/{second}")).Json(200)).GetProperty("capacity").ValueKind);

        // A key shown once, working, then revoked from the list.
        var keys = manage.Locator("[data-part='key-create']");
        await keys.Locator("[name='name']").FillAsync("reporting");
        await keys.Locator("[name='scope']").SelectOptionAsync("read");
        await keys.Locator("button[type='submit']").ClickAsync();
        await Expect(keys.Locator("[data-part='key-secret'] code")).ToHaveTextAsync(new Regex("^hm_live_"));
        var secret = await keys.Locator("[data-part='key-secret'] code").TextContentAsync();
        using var reader = host.Client(secret);
        await (await reader.GetAsync("/v1/locations")).Json(200);
        var listed = keys.Locator("[data-part='keys'] li", new() { HasTextString = "reporting" });
        await listed.Locator("button").ClickAsync();
        await Expect(listed).ToHaveCountAsync(0);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await reader.GetAsync("/v1/locations")).StatusCode);

        // A webhook: its secret shown once, and its deliveries listed once an event went out.
        var hooks = manage.Locator("[data-part='webhook-create']");
        await hooks.Locator("[name='url']").FillAsync(receiver.Url.ToString());
        await hooks.Locator("input[value='heatmap.created']").CheckAsync();
        await hooks.Locator("button[type='submit']").ClickAsync();
        await Expect(hooks.Locator("[data-part='webhook-secret'] code")).ToHaveTextAsync(new Regex("^whsec_"));
        await DashboardPage.CreateStoreAsync(tenant, "manage-third");
        Assert.Equal("heatmap.created", (await receiver.NextOfAsync("heatmap.created")).Event);
        var hook = hooks.Locator("[data-part='webhooks'] li").First;
        await hook.Locator("button", new() { HasTextString = "Deliveries" }).ClickAsync();
        await Expect(hook.Locator(".deliveries li").First).ToContainTextAsync("heatmap.created ·");

        // CSV of the period, as a file.
        await page.Locator("#location").SelectOptionAsync(first);
        await Expect(page.Locator("#store")).ToHaveAttributeAsync("data-figures", "loaded");
        var download = await page.RunAndWaitForDownloadAsync(() => manage.Locator("[data-export='analytics']").ClickAsync());
        Assert.StartsWith("manage-first-analytics-", download.SuggestedFilename);
        using var csv = new StreamReader(await download.CreateReadStreamAsync());
        Assert.StartsWith("date,visitors", await csv.ReadLineAsync());

        output.WriteLine($"screenshot: {await dashboard.ScreenshotAsync("manage")}");
        Assert.Empty(dashboard.Problems);
    }

    private static byte[] FloorPlanPng()
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgba32>(
            80, 60, new SixLabors.ImageSharp.PixelFormats.Rgba32(0xF0, 0xEE, 0xE8));
        using var png = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, png);
        return png.ToArray();
    }

    private static async Task<int[]> PixelAsync(IPage page, double x, double y) => await page.EvaluateAsync<int[]>("""
        ([x, y]) => {
          const canvas = document.getElementById('floor');
          return Array.from(canvas.getContext('2d').getImageData(
            Math.floor(x * canvas.width / Number(canvas.dataset.floorWidth)),
            Math.floor(y * canvas.height / Number(canvas.dataset.floorHeight)), 1, 1).data);
        }
        """, new[] { x, y });
}
