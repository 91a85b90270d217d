using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;

namespace HeatmapSaas.Tests.Locations;

/// <summary>The app with a per-location budget of 5 events a second and a clock the test moves.</summary>
public sealed class SmallIngestBudgetHost : FixedClockApiHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Heatmap:Ingest:MaxEventsPerSecond"] = "5" };
}

public sealed class IngestRateLimitTests(SmallIngestBudgetHost host) : IClassFixture<SmallIngestBudgetHost>
{
    [Fact]
    public async Task A_batch_over_the_budget_is_refused_whole_and_its_id_stays_free()
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Busy" })).Json(201)).GetProperty("id").GetString();
        string Batch(string id, int events) => System.Text.Json.JsonSerializer.Serialize(new
        {
            batch_id = id,
            events = Enumerable.Range(0, events).Select(i => new { type = "position", track_id = "t" + i, ts = "2020-01-02T11:59:00Z", x = 1, y = 1 }),
        });

        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(Batch("r-1", 4)))).Json(202);
        var refused = await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(Batch("r-2", 2)));
        await refused.Error(429, "RATE_LIMITED");
        Assert.Equal("1", refused.Headers.RetryAfter?.Delta?.TotalSeconds.ToString());

        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var retried = await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(Batch("r-2", 2)))).Json(202);
        Assert.False(retried.GetProperty("duplicate").GetBoolean());
        Assert.Equal(2, retried.GetProperty("accepted").GetInt32());
    }
}
