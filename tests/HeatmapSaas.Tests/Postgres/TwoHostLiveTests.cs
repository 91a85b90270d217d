using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using HeatmapSaas.Tests.Api;
using HeatmapSaas.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>Two API hosts on one cluster: a silo host and a client-mode host, both on the fixture's PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class TwoHostLiveTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_dashboard_on_one_host_sees_events_ingested_through_the_other()
    {
        var database = postgres.CreateDatabase("two_hosts");
        var gatewayPort = FreePort.Next();
        var siloHost = new SettingsApiHost(new()
        {
            ["ConnectionStrings:Postgres"] = database,
            ["Orleans:SiloPort"] = FreePort.Next().ToString(),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(),
        });
        var clientHost = new SettingsApiHost(new()
        {
            ["ConnectionStrings:Postgres"] = database,
            ["Heatmap:Silo:Enabled"] = "false",
        });
        try
        {
            await siloHost.InitializeAsync();
            await clientHost.InitializeAsync();
            await CrossHostDelivery(siloHost, clientHost);
        }
        finally
        {
            await clientHost.DisposeAsync();
            await siloHost.DisposeAsync();
        }
    }

    private static async Task CrossHostDelivery(ApiHost siloHost, ApiHost clientHost)
    {

        var tenant = await siloHost.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Two Hosts" })).Json(201)).GetProperty("id").GetString()!;
        var heatmap = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "h", location_id = location, type = "customer_flow" })).Json(201)).GetProperty("id").GetString()!;

        await using var dashboard = new HubConnectionBuilder()
            .WithUrl(new Uri(clientHost.BaseAddress, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(tenant.ApiKey))
            .Build();
        var updates = Channel.CreateUnbounded<JsonElement>();
        dashboard.On<JsonElement>("heatmapUpdated", m => updates.Writer.TryWrite(m));
        await dashboard.StartAsync();
        await dashboard.InvokeAsync<JsonElement>("SubscribeHeatmap", heatmap);

        var ts = DateTimeOffset.UtcNow.AddSeconds(-1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        var body = JsonSerializer.Serialize(new { batch_id = "cross-1", events = new[] { new { type = "position", track_id = "a", ts, x = 5, y = 5 } } });
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Json(202);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var update = await updates.Reader.ReadAsync(deadline.Token);
        Assert.Equal(heatmap, update.GetProperty("heatmap_id").GetString());
        Assert.Equal("[[5,5,1]]", update.GetProperty("cells").GetRawText());
    }

    private sealed class SettingsApiHost(Dictionary<string, string?> settings) : ApiHost
    {
        protected override IDictionary<string, string?> Settings => settings;
    }
}
