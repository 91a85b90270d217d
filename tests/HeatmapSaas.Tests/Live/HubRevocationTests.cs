using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace HeatmapSaas.Tests.Live;

/// <summary>Open hub connections follow what their key may do now: revocation closes them, every call is counted.</summary>
public sealed class HubRevocationTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Revoking_a_key_closes_its_open_ingest_stream_and_live_dashboard()
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Revoked Store", slug = "revoked-store" })).Json(201)).GetProperty("id").GetString()!;
        var key = (await (await tenant.Http.PostAsJsonAsync("/v1/api-keys", new { name = "gw and dashboard", scope = "full" })).Json(201));
        var secret = key.GetProperty("api_key").GetString();

        await using var gateway = Connect("/hubs/ingest", secret);
        await using var dashboard = Connect("/hubs/live", secret);
        var gatewayClosed = Closed(gateway);
        var dashboardClosed = Closed(dashboard);
        await gateway.StartAsync();
        await dashboard.StartAsync();
        await dashboard.InvokeAsync<JsonElement>("SubscribeLocation", "revoked-store");

        var batches = Channel.CreateUnbounded<JsonElement>();
        await using var acks = gateway.StreamAsync<JsonElement>("Ingest", location, batches.Reader.ReadAllAsync()).GetAsyncEnumerator();
        await batches.Writer.WriteAsync(Batch("rev-1"));
        Assert.True(await acks.MoveNextAsync());
        Assert.Equal(202, acks.Current.GetProperty("status").GetInt32());

        Assert.Equal(204, (int)(await tenant.Http.DeleteAsync($"/v1/api-keys/{key.GetProperty("id").GetString()}")).StatusCode);

        // Both connections are closed by the server, without either side sending anything more.
        await gatewayClosed.WaitAsync(Patience);
        await dashboardClosed.WaitAsync(Patience);
        Assert.Equal(HubConnectionState.Disconnected, gateway.State);
        await using var again = Connect("/hubs/live", secret);
        await Assert.ThrowsAsync<HttpRequestException>(() => again.StartAsync());
    }

    [Fact]
    public async Task Every_hub_invocation_counts_against_the_hourly_quota()
    {
        var tenant = await host.CreateTenantAsync(plan: "free");
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Quota Store", slug = "quota-store" })).Json(201);
        await using var dashboard = Connect("/hubs/live", tenant.ApiKey);
        await dashboard.StartAsync();
        var before = await RemainingAsync(tenant);

        const int calls = 5;
        for (var i = 0; i < calls; i++)
        {
            await dashboard.InvokeAsync<JsonElement>("SubscribeLocation", "quota-store");
        }

        // The GET itself is one more request.
        Assert.Equal(before - calls - 1, await RemainingAsync(tenant));

        // Past the quota, a call is refused and returns no data.
        for (var left = before - calls - 1; left > 0; left--)
        {
            await dashboard.InvokeAsync<JsonElement>("SubscribeLocation", "quota-store");
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => dashboard.InvokeAsync<JsonElement>("SubscribeLocation", "quota-store"));
        Assert.Contains("Rate limit", refused.Message);
    }

    private static async Task<int> RemainingAsync(TestTenant tenant)
    {
        var response = await tenant.Http.GetAsync("/v1/locations");
        return int.Parse(response.Headers.GetValues("X-RateLimit-Remaining").Single());
    }

    private static Task Closed(HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }

    private static JsonElement Batch(string id) => JsonDocument.Parse(
        $$"""{"batch_id":"{{id}}","gateway_id":"gw-1","events":[{"type":"position","track_id":"a","ts":"{{DateTimeOffset.UtcNow.AddSeconds(-1):yyyy-MM-dd'T'HH:mm:ss'Z'}}","x":1,"y":1}]}""").RootElement.Clone();

    private HubConnection Connect(string path, string? key) => new HubConnectionBuilder()
        .WithUrl(new Uri(host.BaseAddress, path), o => o.AccessTokenProvider = () => Task.FromResult(key))
        .Build();
}
