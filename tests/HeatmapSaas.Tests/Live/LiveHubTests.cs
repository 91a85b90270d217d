using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using HeatmapSaas.Api.Live;
using HeatmapSaas.Tests.Api;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace HeatmapSaas.Tests.Live;

public sealed class LiveHubTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_dashboard_gets_todays_picture_then_absolute_updates_and_counters()
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Live Store", slug = "live-store" })).Json(201)).GetProperty("id").GetString()!;
        var heatmap = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "h", location_id = location, type = "customer_flow", cell_size = 20 })).Json(201)).GetProperty("id").GetString()!;
        var now = DateTimeOffset.UtcNow;
        await Ingest(tenant, location, "live-1", now.AddSeconds(-3), 15, 15);

        var readKey = (await (await tenant.Http.PostAsJsonAsync("/v1/api-keys", new { name = "dash", scope = "read" })).Json(201)).GetProperty("api_key").GetString();
        await using var dashboard = Connect(readKey);
        var updates = Channel.CreateUnbounded<JsonElement>();
        var counters = Channel.CreateUnbounded<JsonElement>();
        dashboard.On<JsonElement>("heatmapUpdated", m => updates.Writer.TryWrite(m));
        dashboard.On<JsonElement>("locationCounters", m => counters.Writer.TryWrite(m));
        await dashboard.StartAsync();

        var snapshot = await dashboard.InvokeAsync<JsonElement>("SubscribeHeatmap", heatmap);
        var frame = Assert.Single(snapshot.EnumerateArray());
        Assert.Equal(heatmap, frame.GetProperty("heatmap_id").GetString());
        // The cell centre in floor units, as REST data_points give it.
        Assert.Equal("[[10,10,1]]", frame.GetProperty("cells").GetRawText());
        var today = now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var rest = (await (await tenant.Http.GetAsync($"/v1/heatmaps/{heatmap}/data?start_date={today}&end_date={today}")).Json(200))
            .GetProperty("data_points").EnumerateArray().Single();
        Assert.Equal((rest.GetProperty("x").GetDouble(), rest.GetProperty("y").GetDouble()), (frame.GetProperty("cells")[0][0].GetDouble(), frame.GetProperty("cells")[0][1].GetDouble()));
        var initial = await dashboard.InvokeAsync<JsonElement>("SubscribeLocation", "live-store");
        Assert.Equal(1, initial.GetProperty("visitors_today").GetInt64());
        Assert.Equal(1, initial.GetProperty("occupancy").GetInt32());

        // Two more samples in the same cell and bucket: the update carries the cell's new absolute total.
        await Ingest(tenant, location, "live-2", now.AddSeconds(-2), 16, 16, "t-2");
        await Ingest(tenant, location, "live-3", now.AddSeconds(-1), 17, 17, "t-3");
        var total = 0.0;
        using var deadline = new CancellationTokenSource(Patience);
        while (total < 3)
        {
            var update = await updates.Reader.ReadAsync(deadline.Token);
            total = update.GetProperty("cells").EnumerateArray().Single(c => c[0].GetDouble() == 10 && c[1].GetDouble() == 10)[2].GetDouble();
            Assert.InRange(total, 2, 3);
        }

        JsonElement latest;
        do
        {
            latest = await counters.Reader.ReadAsync(deadline.Token);
        }
        while (latest.GetProperty("visitors_today").GetInt64() < 3);
        Assert.Equal(3, latest.GetProperty("occupancy").GetInt32());
        Assert.Equal(location, latest.GetProperty("location_id").GetString());
    }

    [Fact]
    public async Task Another_tenants_heatmap_is_refused_and_nothing_stays_subscribed()
    {
        var owner = await host.CreateTenantAsync();
        var stranger = await host.CreateTenantAsync();
        var location = (await (await owner.Http.PostAsJsonAsync("/v1/locations", new { name = "Private" })).Json(201)).GetProperty("id").GetString()!;
        var heatmap = (await (await owner.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "h", location_id = location, type = "customer_flow" })).Json(201)).GetProperty("id").GetString()!;
        var fanout = host.Services.GetRequiredService<LiveFanout>();
        var before = fanout.SubscriptionCount;

        await using (var intruder = Connect(stranger.ApiKey))
        {
            await intruder.StartAsync();
            await Assert.ThrowsAsync<HubException>(() => intruder.InvokeAsync<JsonElement>("SubscribeHeatmap", heatmap));
            await Assert.ThrowsAsync<HubException>(() => intruder.InvokeAsync<JsonElement>("SubscribeLocation", location));
        }

        await using (var dashboard = Connect(owner.ApiKey))
        {
            await dashboard.StartAsync();
            await dashboard.InvokeAsync<JsonElement>("SubscribeHeatmap", heatmap);
            Assert.Equal(before + 1, fanout.SubscriptionCount);
            await dashboard.InvokeAsync("UnsubscribeHeatmap", heatmap);
            Assert.Equal(before, fanout.SubscriptionCount);
            await dashboard.InvokeAsync<JsonElement>("SubscribeHeatmap", heatmap);
        }

        // The disconnect is handled on the server after the client has gone: wait for it, bounded.
        using var deadline = new CancellationTokenSource(Patience);
        while (fanout.SubscriptionCount != before)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private HubConnection Connect(string? key) => new HubConnectionBuilder()
        .WithUrl(new Uri(host.BaseAddress, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult(key))
        .Build();

    private static async Task Ingest(TestTenant tenant, string location, string batchId, DateTimeOffset ts, double x, double y, string track = "t-1")
    {
        var body = JsonSerializer.Serialize(new { batch_id = batchId, events = new[] { new { type = "position", track_id = track, ts = ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), x, y } } });
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Json(202);
    }
}
