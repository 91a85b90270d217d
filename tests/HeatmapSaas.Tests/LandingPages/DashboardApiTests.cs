using HeatmapSaas.Grains.LandingPages;
using HeatmapSaas.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Storage;
using static HeatmapSaas.Tests.LandingPages.TrackApiTests;

namespace HeatmapSaas.Tests.LandingPages;

/// <summary><c>GET /api/analytics/{tenantId}</c> and <c>/today</c>: the seed's shapes, the tenant's own key only,
/// local days of the tenant's zone across midnight. The class owns its clock and moves it.</summary>
public sealed class DashboardApiTests(LandingApiHost host) : IClassFixture<LandingApiHost>
{
    [Fact]
    public async Task Both_endpoints_answer_the_seeds_shapes_with_the_right_numbers()
    {
        var tenant = await host.CreateTenantAsync();
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "203.0.113.1");
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "203.0.113.2");
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "203.0.113.2");
        await host.TrackOkAsync(tenant.Id, "click_whatsapp", new { button_location = "hero" }, ip: "203.0.113.1");
        await host.TrackOkAsync(tenant.Id, "click_call", ip: "203.0.113.1");
        await host.TrackOkAsync(tenant.Id, "click_toggle_currency", ip: "203.0.113.3");
        await host.TrackOkAsync(tenant.Id, "click_toggle_currency", ip: "203.0.113.3");
        await host.TrackOkAsync(tenant.Id, "qr_scan", ip: "203.0.113.4");
        await host.TrackOkAsync(tenant.Id, "product_click", new { product_id = 1 }, ip: "203.0.113.2");
        await host.TrackOkAsync(tenant.Id, "product_click", new { product_id = 2 }, ip: "203.0.113.2");
        await host.TrackOkAsync(tenant.Id, "time_on_page", new { seconds = 100 }, ip: "203.0.113.1");
        await host.TrackOkAsync(tenant.Id, "time_on_page", new { seconds = 141 }, ip: "203.0.113.2");

        var dashboard = await (await tenant.Http.GetAsync($"/api/analytics/{tenant.Id}")).Json(200);
        Assert.Equal(["success", "data"], dashboard.EnumerateObject().Select(p => p.Name));
        Assert.True(dashboard.GetProperty("success").GetBoolean());
        var data = dashboard.GetProperty("data");
        Assert.Equal(
            ["visitors_today", "visitors_week", "whatsapp_clicks", "call_clicks", "currency_toggles", "qr_scans", "avg_time_on_page", "last_7_days"],
            data.EnumerateObject().Select(p => p.Name));
        Assert.Equal(4, data.GetProperty("visitors_today").GetInt32());
        Assert.Equal(4, data.GetProperty("visitors_week").GetInt32());
        Assert.Equal(1, data.GetProperty("whatsapp_clicks").GetInt32());
        Assert.Equal(1, data.GetProperty("call_clicks").GetInt32());
        Assert.Equal(2, data.GetProperty("currency_toggles").GetInt32());
        Assert.Equal(1, data.GetProperty("qr_scans").GetInt32());
        // (100 + 141) / 2 = 120.5, rounded half away from zero.
        Assert.Equal(121, data.GetProperty("avg_time_on_page").GetInt32());
        var days = data.GetProperty("last_7_days").EnumerateArray().ToList();
        Assert.Equal(7, days.Count);
        Assert.All(days, d => Assert.Equal(["date", "visitors"], d.EnumerateObject().Select(p => p.Name)));
        Assert.Equal("2026-03-08", days[^1].GetProperty("date").GetString());
        Assert.Equal("2026-03-02", days[0].GetProperty("date").GetString());
        Assert.Equal(4, days[^1].GetProperty("visitors").GetInt32());
        Assert.All(days.Take(6), d => Assert.Equal(0, d.GetProperty("visitors").GetInt32()));

        var today = await (await tenant.Http.GetAsync($"/api/analytics/{tenant.Id}/today")).Json(200);
        Assert.Equal(
            ["success", "visitors_today", "whatsapp_clicks", "qr_scans", "products_viewed"],
            today.EnumerateObject().Select(p => p.Name));
        Assert.True(today.GetProperty("success").GetBoolean());
        Assert.Equal(4, today.GetProperty("visitors_today").GetInt32());
        Assert.Equal(1, today.GetProperty("whatsapp_clicks").GetInt32());
        Assert.Equal(1, today.GetProperty("qr_scans").GetInt32());
        Assert.Equal(2, today.GetProperty("products_viewed").GetInt32());
    }

    [Fact]
    public async Task A_tenant_without_events_has_zeros_and_seven_days()
    {
        var tenant = await host.CreateTenantAsync();
        var data = (await (await tenant.Http.GetAsync($"/api/analytics/{tenant.Id}")).Json(200)).GetProperty("data");
        Assert.Equal(0, data.GetProperty("visitors_week").GetInt32());
        Assert.Equal(0, data.GetProperty("avg_time_on_page").GetInt32());
        Assert.Equal(7, data.GetProperty("last_7_days").GetArrayLength());
    }

    [Fact]
    public async Task Another_tenants_key_gets_a_404_and_no_key_a_401()
    {
        var owner = await host.CreateTenantAsync();
        var stranger = await host.CreateTenantAsync();
        await host.TrackOkAsync(owner.Id, "pageview");

        foreach (var path in new[] { $"/api/analytics/{owner.Id}", $"/api/analytics/{owner.Id}/today" })
        {
            var error = await AssertAnalyticsError(await stranger.Http.GetAsync(path), 404, "NOT_FOUND");
            Assert.DoesNotContain("visitors", error.ToString());
            using var anonymous = host.Client();
            await AssertAnalyticsError(await anonymous.GetAsync(path), 401, "UNAUTHORIZED");
            // The seed-002 style header (the bare key) works as well.
            using var bare = host.Client(owner.ApiKey, bearer: false);
            await (await bare.GetAsync(path)).Json(200);
        }

        await AssertAnalyticsError(await stranger.Http.GetAsync("/api/analytics/987654321"), 404, "NOT_FOUND");
        await AssertAnalyticsError(await stranger.Http.GetAsync("/api/analytics/not-a-number"), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task Csv_export_gives_the_seven_days()
    {
        var tenant = await host.CreateTenantAsync();
        await host.TrackOkAsync(tenant.Id, "pageview");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/analytics/{tenant.Id}");
        request.Headers.Add("Accept", "text/csv");
        var response = await tenant.Http.SendAsync(request);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("date,visitors", lines[0]);
        Assert.Equal(8, lines.Length);
        Assert.EndsWith(",1", lines[^1]);
    }

    [Fact]
    public async Task Counts_survive_the_grain_being_deactivated()
    {
        var tenant = await host.CreateTenantAsync();
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "192.0.2.10");
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "192.0.2.11");
        await host.TrackOkAsync(tenant.Id, "time_on_page", new { seconds = 90 }, ip: "192.0.2.11");
        var before = await host.Analytics(tenant.Id).GetSummaryAsync();

        await host.Analytics(tenant.Id).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(200);

        // What the storage holds (a throttled write may lag; the deactivation writes the rest).
        var storage = host.Services.GetRequiredKeyedService<IGrainStorage>(HeatmapSaas.Grains.StorageNames.Default);
        var stored = new GrainState<LandingAnalyticsState>();
        await storage.ReadStateAsync("landing-analytics", host.Analytics(tenant.Id).GetGrainId(), stored);
        var day = Assert.Single(stored.State!.Days);
        Assert.Equal(2, day.Visitors!.Count);
        Assert.Equal(3, stored.State.Recent.Count);
        Assert.DoesNotContain("192.0.2.1", System.Text.Json.JsonSerializer.Serialize(stored.State));

        var after = await host.Analytics(tenant.Id).GetSummaryAsync();
        Assert.Equal(2, after.VisitorsToday);
        Assert.Equal(90, after.AvgTimeOnPageSeconds);
        Assert.Equal(before.Last7Days, after.Last7Days);
        Assert.Equal(3, (await host.Analytics(tenant.Id).GetRecentAsync()).Count);
        // Whatever storage serializer the silo uses (PostgreSQL mode serializes; memory storage may not), the state
        // round-trips.
        var serializer = host.Services.GetRequiredService<IGrainStorageSerializer>();
        var roundTripped = serializer.Deserialize<LandingAnalyticsState>(serializer.Serialize(stored.State!))!;
        Assert.Equal(stored.State!.Recent, roundTripped.Recent);
        Assert.Equal(day.Visitors.Order(), Assert.Single(roundTripped.Days).Visitors!.Order());
        Assert.Equal(day.Counts, roundTripped.Days[0].Counts);
        Assert.Equal(day.Date, roundTripped.Days[0].Date);

        // The returning visitor is recognised after the reload.
        await host.TrackOkAsync(tenant.Id, "pageview", ip: "192.0.2.10");
        Assert.Equal(2, (await host.Analytics(tenant.Id).GetSummaryAsync()).VisitorsToday);
    }
}

/// <summary>A class of its own: it moves its clock across midnight and days ahead.</summary>
// Slow: a week on the fake clock fires the silo's periodic timers once per period passed (about 12 s).
[Trait("Category", "Slow")]
public sealed class LocalDayApiTests(BeforeMidnightHost host) : IClassFixture<BeforeMidnightHost>
{
    [Fact]
    public async Task Last_7_days_end_today_in_the_tenants_zone_across_midnight()
    {
        var newYork = await host.CreateTenantAsync(timezone: "America/New_York");
        var tokyo = await host.CreateTenantAsync(timezone: "Asia/Tokyo");

        // 03:30 UTC on 8 March is 22:30 on the 7th in New York (EST, -05:00) and 12:30 on the 8th in Tokyo.
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 3, 30, 0, TimeSpan.Zero), host.Clock.GetUtcNow());
        await host.TrackOkAsync(newYork.Id, "pageview", ip: "192.0.2.1");
        await host.TrackOkAsync(newYork.Id, "pageview", ip: "192.0.2.2");
        await host.TrackOkAsync(tokyo.Id, "pageview", ip: "192.0.2.1");
        await AssertWeek(newYork, "2026-03-07", [0, 0, 0, 0, 0, 0, 2], today: 2, week: 2);
        await AssertWeek(tokyo, "2026-03-08", [0, 0, 0, 0, 0, 0, 1], today: 1, week: 1);

        // One second before local midnight: still the 7th.
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 8, 4, 59, 59, TimeSpan.Zero));
        await host.TrackOkAsync(newYork.Id, "pageview", ip: "192.0.2.3");
        await AssertWeek(newYork, "2026-03-07", [0, 0, 0, 0, 0, 0, 3], today: 3, week: 3);

        // Two seconds later it is the 8th in New York: a new day, a returning visitor and a new one.
        host.Clock.Advance(TimeSpan.FromSeconds(2));
        await host.TrackOkAsync(newYork.Id, "pageview", ip: "192.0.2.1");
        await host.TrackOkAsync(newYork.Id, "click_whatsapp", ip: "192.0.2.4");
        await AssertWeek(newYork, "2026-03-08", [0, 0, 0, 0, 0, 3, 2], today: 2, week: 4);
        var today = await (await newYork.Http.GetAsync($"/api/analytics/{newYork.Id}/today")).Json(200);
        Assert.Equal(2, today.GetProperty("visitors_today").GetInt32());
        Assert.Equal(1, today.GetProperty("whatsapp_clicks").GetInt32());

        // 8 March 2026 is the day New York springs forward (02:00 EST → 03:00 EDT); the days stay whole.
        // Six days on, the 8th is the oldest of the seven; a day later it has left the window.
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 14, 12, 0, 0, TimeSpan.Zero));
        await AssertWeek(newYork, "2026-03-14", [2, 0, 0, 0, 0, 0, 0], today: 0, week: 2);
        var weekAgo = (await (await newYork.Http.GetAsync($"/api/analytics/{newYork.Id}")).Json(200)).GetProperty("data");
        Assert.Equal(1, weekAgo.GetProperty("whatsapp_clicks").GetInt32());
        Assert.Equal("2026-03-08", weekAgo.GetProperty("last_7_days")[0].GetProperty("date").GetString());

        host.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 15, 12, 0, 0, TimeSpan.Zero));
        await AssertWeek(newYork, "2026-03-15", [0, 0, 0, 0, 0, 0, 0], today: 0, week: 0);
        var later = (await (await newYork.Http.GetAsync($"/api/analytics/{newYork.Id}")).Json(200)).GetProperty("data");
        Assert.Equal(0, later.GetProperty("whatsapp_clicks").GetInt32());
    }

    private async Task AssertWeek(TestTenant tenant, string lastDate, int[] visitors, int today, int week)
    {
        var data = (await (await tenant.Http.GetAsync($"/api/analytics/{tenant.Id}")).Json(200)).GetProperty("data");
        var days = data.GetProperty("last_7_days").EnumerateArray().ToList();
        Assert.Equal(7, days.Count);
        var last = DateOnly.Parse(lastDate, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            Enumerable.Range(0, 7).Select(i => last.AddDays(i - 6).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            days.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal(visitors, days.Select(d => d.GetProperty("visitors").GetInt32()));
        Assert.Equal(today, data.GetProperty("visitors_today").GetInt32());
        Assert.Equal(week, data.GetProperty("visitors_week").GetInt32());
    }
}
