using HeatmapSaas.Tests.Api;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>The app's clock the day Pacific/Chatham and Australia/Lord_Howe left DST in 2025.</summary>
public sealed class AutumnInChathamHost : FixedClockApiHost
{
    public AutumnInChathamHost()
        : base(new DateTimeOffset(2025, 4, 6, 12, 0, 0, TimeSpan.Zero))
    {
    }
}

/// <summary>
/// On a 45-minute (Chatham) or 30-minute (Lord Howe) shift, the hour that begins part-way through is labelled with
/// the first instant of its occurrence: no two traffic rows share a <c>start</c>, no two heatmap hours a <c>timestamp</c>.
/// </summary>
public sealed class FractionalDstLabelTests(AutumnInChathamHost host) : IClassFixture<AutumnInChathamHost>
{
    [Theory]
    // 13:20Z is 03:05+13:45; 14:05Z is 02:50+12:45, after clocks went back from 03:45 to 02:45 at 14:00Z.
    [InlineData("Pacific/Chatham", "2025-04-05T13:20:00Z", "2025-04-05T14:05:00Z", "2025-04-06T03:00:00+13:45", "2025-04-06T02:45:00+12:45")]
    // 14:40Z is 01:40+11:00; 15:05Z is 01:35+10:30, after clocks went back from 02:00 to 01:30 at 15:00Z.
    [InlineData("Australia/Lord_Howe", "2025-04-05T14:40:00Z", "2025-04-05T15:05:00Z", "2025-04-06T01:00:00+11:00", "2025-04-06T01:30:00+10:30")]
    public async Task The_hour_after_the_shift_starts_at_the_shift(string zone, string before, string after, string beforeHour, string afterHour)
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Shift " + zone, timezone = zone })).Json(201))
            .GetProperty("id").GetString()!;
        var heatmap = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "h", location_id = location, type = "customer_flow" })).Json(201))
            .GetProperty("id").GetString()!;
        var body = JsonSerializer.Serialize(new
        {
            batch_id = "shift-" + zone.Replace('/', '-'),
            events = new[]
            {
                new { type = "position", track_id = "before", ts = before, x = 5, y = 5 },
                new { type = "position", track_id = "after", ts = after, x = 5, y = 5 },
            },
        });
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Json(202);

        var rows = await (await tenant.Http.GetAsync($"/v1/traffic/impression-counts/{location}/2025-04-06?interval=hour")).Json(200);
        var starts = rows.EnumerateArray().Select(r => r.GetProperty("start").GetString()!).ToArray();
        Assert.Equal(starts.Length, starts.Select(Instant).Distinct().Count());
        Assert.Equal(Instant(beforeHour), Instant(StartOfRowWith(rows, beforeHour)));
        Assert.Equal(Instant(afterHour), Instant(StartOfRowWith(rows, afterHour)));

        foreach (var granularity in new[] { "hour", "day", "week" })
        {
            var data = await (await tenant.Http.GetAsync($"/v1/heatmaps/{heatmap}/data?start_date=2025-04-05&end_date=2025-04-06&granularity={granularity}")).Json(200);
            var points = data.GetProperty("data_points").EnumerateArray()
                .Select(p => (Instant(p.GetProperty("timestamp").GetString()!), p.GetProperty("x").GetDouble(), p.GetProperty("y").GetDouble())).ToArray();
            Assert.Equal(points.Length, points.Distinct().Count());
            if (granularity == "hour")
            {
                Assert.Equal([Instant(beforeHour), Instant(afterHour)], points.Select(p => p.Item1).Order());
            }
        }
    }

    private static string StartOfRowWith(JsonElement rows, string start) =>
        rows.EnumerateArray().Select(r => r.GetProperty("start").GetString()!).First(s => Instant(s) == Instant(start));

    private static DateTimeOffset Instant(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture).ToUniversalTime();
}
