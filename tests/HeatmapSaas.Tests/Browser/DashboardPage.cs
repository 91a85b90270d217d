using System.Globalization;
using System.Net.Http.Json;
using HeatmapSaas.Tests.Api;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HeatmapSaas.Tests.Browser;

/// <summary>What the dashboard's browser tests share: a page that records its problems, connecting with a key,
/// seeding a store through the public API, the phone-width check and screenshots under TestResults.</summary>
public sealed class DashboardPage
{
    private DashboardPage(IPage page, List<string> problems) => (Page, Problems) = (page, problems);

    public IPage Page { get; }

    /// <summary>Page errors, console errors and failed requests (a missing floor plan's 404 is expected).</summary>
    public List<string> Problems { get; }

    public static async Task<DashboardPage> OpenAsync(IBrowserContext context, Uri baseAddress)
    {
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.PageError += (_, error) => problems.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                problems.Add(message.Text);
            }
        };
        page.Response += (_, response) =>
        {
            var expected404 = response.Status == 404
                && (response.Url.EndsWith("/floor-plan", StringComparison.Ordinal) || response.Url.EndsWith("/dashboard/demo-key", StringComparison.Ordinal));
            if (response.Status >= 400 && !expected404)
            {
                problems.Add($"{response.Status} {response.Url}");
            }
        };
        await page.GotoAsync(baseAddress.ToString());
        return new DashboardPage(page, problems);
    }

    public async Task ConnectAsync(string apiKey)
    {
        await Page.FillAsync("#api-key", apiKey);
        await Page.ClickAsync("#connect");
        await Expect(Page.Locator("#status")).ToHaveTextAsync("live");
    }

    /// <summary>Waits until the period's REST figures are on screen (the comparison included).</summary>
    public async Task ChoosePeriodAsync(string period)
    {
        await Page.Locator("#period").SelectOptionAsync(period);
        await Expect(Page.Locator("#store")).ToHaveAttributeAsync("data-period", period);
    }

    /// <summary>Nothing on the page is wider than the viewport: no sideways scrolling on a phone.</summary>
    public async Task AssertNoHorizontalOverflowAsync()
    {
        // Charts follow their container's size a frame after a resize: give the layout that long to settle.
        await Page.WaitForFunctionAsync("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth",
            null, new() { Timeout = 5_000 }).ContinueWith(_ => { }, TaskScheduler.Default);
        var widths = await Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        var (scroll, client) = (widths[0], widths[1]);
        var wide = scroll <= client ? [] : await Page.EvaluateAsync<string[]>(
            "(client) => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > client)"
            + ".map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`).slice(0, 8)",
            client);
        Assert.True(scroll <= client, $"the page is {scroll} px wide in a {client} px viewport: {string.Join(", ", wide)}");
    }

    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(DashboardHost.RepositoryRoot, "TestResults", "browser", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
        return path;
    }

    public static string Ts(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>A UTC store with a 20-unit customer-flow heatmap, created through the public API.</summary>
    public static async Task<(string Location, string Heatmap)> CreateStoreAsync(
        TestTenant tenant, string slug, string? parent = null, int? capacity = null)
    {
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new
        {
            name = "Store " + slug,
            slug,
            timezone = "UTC",
            parent_id = parent,
            capacity,
            floor_plan = new { width = 800, height = 600 },
        })).Json(201)).GetProperty("id").GetString()!;
        var heatmap = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new
        {
            name = "Footfall " + slug,
            location_id = location,
            type = "customer_flow",
            cell_size = 20,
        })).Json(201)).GetProperty("id").GetString()!;
        return (location, heatmap);
    }

    /// <summary>One position sample per shopper at each instant given, in one batch.</summary>
    public static async Task SeedAsync(TestTenant tenant, string location, string batchId, params (string Track, DateTimeOffset At, double X, double Y)[] samples)
    {
        var receipt = await (await tenant.Http.PostAsJsonAsync($"/v1/locations/{location}/events", new
        {
            batch_id = batchId,
            gateway_id = "gw-seed",
            events = samples.Select(s => new { type = "position", track_id = s.Track, ts = Ts(s.At), x = s.X, y = s.Y }).ToArray(),
        })).Json(202);
        Assert.Equal(samples.Length, receipt.GetProperty("accepted").GetInt32());
    }
}
