using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace HeatmapSaas.Tests.Live;

/// <summary>The app with a push interval of an hour: only a push made at the change itself can reach a test in time.</summary>
public sealed class HourlyPushHost : ApiHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Heatmap:Live:PushInterval"] = "01:00:00" };
}

public sealed class LeadingEdgePushTests(HourlyPushHost host) : IClassFixture<HourlyPushHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_first_change_after_a_quiet_spell_is_pushed_without_waiting_for_the_interval()
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Quiet Store" })).Json(201)).GetProperty("id").GetString()!;
        var heatmap = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "h", location_id = location, type = "customer_flow" })).Json(201)).GetProperty("id").GetString()!;

        await using var dashboard = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(tenant.ApiKey))
            .Build();
        var updates = Channel.CreateUnbounded<JsonElement>();
        var counters = Channel.CreateUnbounded<JsonElement>();
        dashboard.On<JsonElement>("heatmapUpdated", m => updates.Writer.TryWrite(m));
        dashboard.On<JsonElement>("locationCounters", m => counters.Writer.TryWrite(m));
        await dashboard.StartAsync();
        Assert.Empty((await dashboard.InvokeAsync<JsonElement>("SubscribeHeatmap", heatmap)).EnumerateArray());
        await dashboard.InvokeAsync<JsonElement>("SubscribeLocation", location);

        var ts = DateTimeOffset.UtcNow.AddSeconds(-1);
        var body = JsonSerializer.Serialize(new
        {
            batch_id = "quiet-1",
            events = new[] { new { type = "position", track_id = "t-1", ts = ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), x = 25.0, y = 35.0 } },
        });
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Json(202);

        using var deadline = new CancellationTokenSource(Patience);
        var frame = await updates.Reader.ReadAsync(deadline.Token);
        Assert.Equal(heatmap, frame.GetProperty("heatmap_id").GetString());
        Assert.Equal("[[25,35,1]]", frame.GetProperty("cells").GetRawText());
        Assert.Equal(ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), frame.GetProperty("ts").GetString());
        var latest = await counters.Reader.ReadAsync(deadline.Token);
        Assert.Equal(1, latest.GetProperty("visitors_today").GetInt64());

        // Each push's wait in the grain is on /metrics (the instruments are per process: other tests' pushes count too).
        var metrics = await (await host.Client().GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Contains("# TYPE heatmap_live_push_delay_seconds histogram", metrics);
        Assert.True(HeatmapSaas.Tests.Support.MetricsText.Sum(metrics, "heatmap_live_push_delay_seconds_count") >= 1);
    }
}
