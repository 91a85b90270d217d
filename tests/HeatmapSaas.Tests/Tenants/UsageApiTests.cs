using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;
using System.Text.Json;

namespace HeatmapSaas.Tests.Tenants;

public sealed class UsageApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Usage_rolls_up_the_tenants_locations()
    {
        var tenant = await host.CreateTenantAsync();
        var now = DateTimeOffset.UtcNow;
        foreach (var name in new[] { "North", "South" })
        {
            var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name })).Json(201)).GetProperty("id").GetString();
            var body = JsonSerializer.Serialize(new
            {
                batch_id = "u-" + name,
                events = new[] { new { type = "position", track_id = "p", ts = now.AddSeconds(-1).ToString("O"), x = 5, y = 5 } },
            });
            await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Json(202);
        }

        await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "h", location_id = "north", type = "customer_flow" })).Json(201);

        // The roll-up arrives over a stream, coalesced once a second: wait for it, bounded.
        JsonElement usage = default;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!deadline.IsCancellationRequested)
        {
            usage = await (await tenant.Http.GetAsync("/v1/usage")).Json(200);
            if (usage.GetProperty("events_ingested").GetInt64() == 2 && usage.GetProperty("live").GetProperty("visitors_today").GetInt64() == 2)
            {
                break;
            }

            await Task.Delay(100, CancellationToken.None);
        }

        Assert.Equal(2, usage.GetProperty("events_ingested").GetInt64());
        Assert.Equal(tenant.Id, usage.GetProperty("tenant_id").GetInt64());
        Assert.Equal(2, usage.GetProperty("batches").GetInt64());
        Assert.Equal(2, usage.GetProperty("locations").GetInt32());
        Assert.Equal(1, usage.GetProperty("heatmaps").GetInt32());
        Assert.Equal(2, usage.GetProperty("live").GetProperty("occupancy").GetInt32());
        Assert.Equal(2, usage.GetProperty("live").GetProperty("visitors_today").GetInt64());
        Assert.Equal("enterprise", usage.GetProperty("plan").GetString());
        Assert.EndsWith("-01T00:00:00Z", usage.GetProperty("period").GetProperty("start").GetString());
    }
}
