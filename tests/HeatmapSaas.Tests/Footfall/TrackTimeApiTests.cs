using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>A fixed clock and a cap of 16 held tracks per location, so the cap is reached with a few events.</summary>
public sealed class SmallTrackCapApiHost : FixedClockApiHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Heatmap:Ingest:MaxTracksPerLocation"] = "16",
    };
}

/// <summary>Tracks by event time through the API: late samples join their track; the held-track cap and its metric.</summary>
public sealed class TrackTimeApiTests(SmallTrackCapApiHost host) : IClassFixture<SmallTrackCapApiHost>
{
    [Fact]
    public async Task Lagging_samples_from_another_gateway_are_one_earlier_visit_not_seven_phantom_visitors()
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations",
            new { name = "Store", timezone = "UTC", track_timeout_seconds = 60 })).Json(201)).GetProperty("id").GetString()!;
        var at1430 = new DateTimeOffset(2020, 1, 1, 14, 30, 0, TimeSpan.Zero);
        string Batch(string id, string gateway, IEnumerable<int> secondsFrom1430) =>
            $$"""{"batch_id":"{{id}}","gateway_id":"{{gateway}}","events":[{{string.Join(",", secondsFrom1430.Select(s =>
                $$"""{"type":"position","track_id":"P","ts":"{{at1430.AddSeconds(s):yyyy-MM-ddTHH:mm:ssZ}}","x":5,"y":5}"""))}}]}""";

        // P open 14:30–14:35; a second gateway's batch, acknowledged later, carries P's samples from 14:27–14:28.
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events",
            HttpAssertions.JsonBody(Batch("open-1", "gw-a", Enumerable.Range(0, 31).Select(i => i * 10))))).Json(202);
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events",
            HttpAssertions.JsonBody(Batch("lagging-1", "gw-b", Enumerable.Range(0, 7).Select(i => -180 + i * 10))))).Json(202);

        var analytics = await (await tenant.Http.GetAsync($"/v1/locations/{location}/analytics?start_date=2020-01-01&end_date=2020-01-01")).Json(200);
        var metrics = analytics.GetProperty("metrics");
        Assert.Equal(2, metrics.GetProperty("visitors").GetInt64());
        Assert.Equal(3m, metrics.GetProperty("avg_duration_minutes").GetDecimal());
    }

    [Fact]
    public async Task Past_the_cap_the_oldest_tracks_are_forgotten_early_counted_on_metrics_and_every_visitor_still_counts()
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Store", timezone = "UTC" })).Json(201))
            .GetProperty("id").GetString()!;
        var before = ForgottenEarly(await (await host.Client().GetAsync("/metrics")).Content.ReadAsStringAsync());
        var events = string.Join(",", Enumerable.Range(0, 100).Select(i =>
            $$"""{"type":"position","track_id":"id-{{i}}","ts":"2020-01-01T10:00:{{i % 60:00}}.{{i:000}}Z","x":5,"y":5}"""));
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events",
            HttpAssertions.JsonBody($$"""{"batch_id":"flood-1","events":[{{events}}]}"""))).Json(202);

        var metrics = await (await host.Client().GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Contains("# TYPE heatmap_tracks_forgotten_early_total counter", metrics);
        Assert.InRange(ForgottenEarly(metrics) - before, 100 - 16, 100);
        var analytics = await (await tenant.Http.GetAsync($"/v1/locations/{location}/analytics?start_date=2020-01-01&end_date=2020-01-01")).Json(200);
        Assert.Equal(100, analytics.GetProperty("metrics").GetProperty("visitors").GetInt64());
    }

    private static long ForgottenEarly(string metrics) =>
        Regex.Match(metrics, @"^heatmap_tracks_forgotten_early_total(?:\{[^}]*\})? (\d+)", RegexOptions.Multiline) is { Success: true } m
            ? long.Parse(m.Groups[1].Value)
            : 0;
}
