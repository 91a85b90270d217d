using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace HeatmapSaas.Tests.Locations;

/// <summary>The app remembering at most 3 gateways per location, each for a day, on a clock the test moves.</summary>
public sealed class FewGatewaysHost : FixedClockApiHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Heatmap:Ingest:MaxGateways"] = "3",
        ["Heatmap:Ingest:GatewayRetention"] = "1.00:00:00",
    };
}

public sealed class GatewayBookkeepingTests(FewGatewaysHost host) : IClassFixture<FewGatewaysHost>
{
    [Theory]
    [InlineData("gw 1")]
    [InlineData("gw/1")]
    [InlineData("ü")]
    [InlineData("gw\u0000")]
    [InlineData(null)]
    public async Task A_gateway_id_outside_the_batch_id_alphabet_or_length_is_400(string? gatewayId)
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant);
        gatewayId ??= new string('g', 129);
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(Batch("bad-gw", gatewayId))))
            .Error(400, "INVALID_REQUEST", "gateway_id");
        var line = """{"type":"position","track_id":"a","ts":"2020-01-02T11:59:00Z","x":1,"y":1}""";
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events?batch_id=nd-gw&gateway_id={Uri.EscapeDataString(gatewayId)}",
            new StringContent(line, Encoding.UTF8, "application/x-ndjson"))).Error(400, "INVALID_REQUEST", "gateway_id");
        var gateways = await (await tenant.Http.GetAsync($"/v1/locations/{location}/gateways")).Json(200);
        Assert.Equal(0, gateways.GetArrayLength());
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(Batch("max-gw", new string('g', 128))))).Json(202);
    }

    [Fact]
    public async Task A_location_keeps_the_most_recently_seen_gateways_and_forgets_the_silent_ones()
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant);
        foreach (var gateway in new[] { "gw-1", "gw-2", "gw-3", "gw-1", "gw-4", "gw-5" })
        {
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(Batch($"lru-{gateway}-{Guid.NewGuid():N}", gateway)))).Json(202);
        }

        // gw-2 and gw-3 were the least recently seen when gw-4 and gw-5 came; gw-1 had been seen again.
        Assert.Equal(["gw-1", "gw-4", "gw-5"], await GatewayIds(tenant, location));
        var first = (await (await tenant.Http.GetAsync($"/v1/locations/{location}/gateways")).Json(200))[0];
        Assert.Equal(2, first.GetProperty("batches").GetInt64());

        host.Clock.Advance(TimeSpan.FromHours(23));
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(Batch($"late-{Guid.NewGuid():N}", "gw-5", ts: "2020-01-03T10:59:00Z")))).Json(202);
        host.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(["gw-5"], await GatewayIds(tenant, location));
    }

    private static async Task<string[]> GatewayIds(TestTenant tenant, string location) =>
        (await (await tenant.Http.GetAsync($"/v1/locations/{location}/gateways")).Json(200)).EnumerateArray()
            .Select(g => g.GetProperty("gateway_id").GetString()!).ToArray();

    private static string Batch(string id, string gatewayId, string ts = "2020-01-02T11:59:00Z") => JsonSerializer.Serialize(new
    {
        batch_id = id,
        gateway_id = gatewayId,
        events = new[] { new { type = "position", track_id = "a", ts, x = 1, y = 1 } },
    });

    private static async Task<string> NewLocation(TestTenant tenant) =>
        (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Gateways" })).Json(201)).GetProperty("id").GetString()!;
}
