using System.Text.Json;
using HeatmapSaas.Api.LandingPages;
using HeatmapSaas.Grains.LandingPages;
using HeatmapSaas.LandingPages;
using HeatmapSaas.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace HeatmapSaas.Tests.LandingPages;

/// <summary><c>GET /api/analytics/{tenantId}/breakdown</c>: page views by page, referrer source and device class,
/// bounded per day.</summary>
public sealed class BreakdownApiTests(LandingApiHost host) : IClassFixture<LandingApiHost>
{
    private const string Iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    private const string AndroidPhone = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";
    private const string AndroidTablet = "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
    private const string Ipad = "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1";
    private const string Firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0";
    private const string Landing = "http://127.0.0.1:8080/";

    [Fact]
    public async Task Pages_sources_and_devices_of_page_views_are_listed_most_first()
    {
        var tenant = await host.CreateTenantAsync();
        await Pageview(tenant.Id, new { path = "/", referrer = "https://www.google.com/" }, Iphone);
        await Pageview(tenant.Id, new { path = "/", referrer = "" }, AndroidPhone);
        await Pageview(tenant.Id, new { path = "/?utm_source=x#top" }, Firefox);
        await Pageview(tenant.Id, new { path = "/menu", referrer = "https://google.com/search" }, AndroidTablet);
        await Pageview(tenant.Id, new { path = "/menu", referrer = Landing }, Ipad);
        await Pageview(tenant.Id, new { path = "/contact", referrer = "https://m.facebook.com/" }, Firefox);
        // No metadata.path: the landing page's own URL (the Referer header) names the page.
        await Pageview(tenant.Id, null, "", referer: "http://127.0.0.1:8080/prices?x=1");
        // Clicks are no page views.
        await host.TrackOkAsync(tenant.Id, "click_whatsapp", new { path = "/menu" }, userAgent: Iphone);

        var data = await BreakdownAsync(tenant);
        Assert.Equal(["pages", "referrers", "devices"], data.EnumerateObject().Select(p => p.Name));
        Assert.Equal([("/", 3), ("/menu", 2), ("/contact", 1), ("/prices", 1)], Top(data.GetProperty("pages")));
        Assert.Equal(0, data.GetProperty("pages").GetProperty("other").GetInt64());
        Assert.Equal([("direct", 3), ("google.com", 2), ("internal", 1), ("m.facebook.com", 1)], Top(data.GetProperty("referrers")));
        var devices = data.GetProperty("devices");
        Assert.Equal(["mobile", "tablet", "desktop"], devices.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, devices.GetProperty("mobile").GetInt64());
        Assert.Equal(2, devices.GetProperty("tablet").GetInt64());
        Assert.Equal(3, devices.GetProperty("desktop").GetInt64());
    }

    [Fact]
    public async Task A_flood_of_unique_paths_is_kept_to_fifty_names_a_day_and_the_rest_is_other()
    {
        var tenant = await host.CreateTenantAsync();
        for (var i = 0; i < 3; i++)
        {
            await Pageview(tenant.Id, new { path = "/" }, Firefox);
        }

        const int unique = 55;
        for (var i = 0; i < unique; i++)
        {
            await Pageview(tenant.Id, new { path = $"/p{i:00}" }, Firefox);
        }

        var pages = (await BreakdownAsync(tenant)).GetProperty("pages");
        var top = Top(pages);
        Assert.Equal(LandingBreakdown.Listed, top.Count);
        Assert.Equal(("/", 3L), top[0]);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => ($"/p{i:00}", 1L)), top.Skip(1));
        Assert.Equal(3 + unique - 3 - 9, pages.GetProperty("other").GetInt64());

        // A day itself holds no more than its capacity: the names past it are only a number.
        var ledger = new LandingLedger();
        var dayOf = new DateOnly(2026, 3, 8);
        for (var i = 0; i < 3 * BoundedTally.Capacity; i++)
        {
            ledger.Record(dayOf, default, new LandingHit(LandingEventType.Pageview, "ab", null, null, null, null, false, $"/x{i}", "direct"));
        }

        var kept = Assert.Single(ledger.Days);
        Assert.Equal(BoundedTally.Capacity, kept.Pages.Counts.Count);
        Assert.Equal(2 * BoundedTally.Capacity, kept.Pages.Other);
    }

    [Fact]
    public async Task The_breakdown_survives_the_storage_serializer_and_is_the_tenants_own()
    {
        var ledger = new LandingLedger();
        var today = new DateOnly(2026, 3, 8);
        ledger.Record(today, default, new LandingHit(LandingEventType.Pageview, "ab", null, null, null, null, false, "/", "google.com", DeviceClass.Mobile));
        ledger.Record(today, default, new LandingHit(LandingEventType.Pageview, "cd", null, null, null, null, false, "/menu", "direct", DeviceClass.Tablet));
        var serializer = host.Services.GetRequiredService<IGrainStorageSerializer>();
        var restored = LandingLedger.FromState(serializer.Deserialize<LandingAnalyticsState>(serializer.Serialize(ledger.ToState()))!);
        var before = ledger.Breakdown(today);
        var after = restored.Breakdown(today);
        Assert.Equal(before.Pages, after.Pages);
        Assert.Equal(before.Sources, after.Sources);
        Assert.Equal((0L, 1L, 1L), (after.Desktop, after.Mobile, after.Tablet));

        var owner = await host.CreateTenantAsync();
        var stranger = await host.CreateTenantAsync();
        await (await stranger.Http.GetAsync($"/api/analytics/{owner.Id}/breakdown")).Json(404);
        using var anonymous = host.Client();
        await (await anonymous.GetAsync($"/api/analytics/{owner.Id}/breakdown")).Json(401);
    }

    [Theory]
    [InlineData(Iphone, DeviceClass.Mobile)]
    [InlineData(AndroidPhone, DeviceClass.Mobile)]
    [InlineData(AndroidTablet, DeviceClass.Tablet)]
    [InlineData(Ipad, DeviceClass.Tablet)]
    [InlineData(Firefox, DeviceClass.Desktop)]
    [InlineData("", DeviceClass.Desktop)]
    public void User_agents_are_classified(string userAgent, DeviceClass expected) =>
        Assert.Equal(expected, DeviceClassifier.Classify(userAgent));

    private async Task Pageview(long tenantId, object? metadata, string userAgent, string referer = Landing)
    {
        var response = await host.TrackAsync(tenantId, "pageview", metadata, userAgent: userAgent, referer: referer);
        Assert.True((await response.Json(200)).GetProperty("success").GetBoolean());
    }

    private static async Task<JsonElement> BreakdownAsync(TestTenant tenant)
    {
        var body = await (await tenant.Http.GetAsync($"/api/analytics/{tenant.Id}/breakdown")).Json(200);
        Assert.True(body.GetProperty("success").GetBoolean());
        return body.GetProperty("data");
    }

    private static List<(string Name, long Count)> Top(JsonElement list) =>
        list.GetProperty("top").EnumerateArray().Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("pageviews").GetInt64())).ToList();
}
