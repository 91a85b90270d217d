using HeatmapSaas.Api.Auth;
using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using HeatmapSaas.Live;
using Microsoft.AspNetCore.SignalR;

namespace HeatmapSaas.Api.Live;

/// <summary>Dashboards watch heatmaps and locations here: a snapshot at once, then coalesced pushes.</summary>
public sealed class LiveHub(LiveFanout fanout, IGrainFactory grains) : Hub
{
    public const string Path = "/hubs/live";

    public Task<HeatmapFrame[]> SubscribeHeatmap(string heatmapId) =>
        Refusing(() => fanout.WatchHeatmapAsync(Context.ConnectionId, Caller.TenantId, heatmapId));

    public Task UnsubscribeHeatmap(string heatmapId) => fanout.UnwatchAsync(Context.ConnectionId, LiveFanout.HeatmapGroup(heatmapId));

    public Task<LocationCounters> SubscribeLocation(string location) => Refusing(async () =>
    {
        var id = (await grains.GetGrain<ICatalogGrain>(Caller.TenantId).GetLocationAsync(location)).Id;
        return await fanout.WatchLocationAsync(Context.ConnectionId, Caller.TenantId, id);
    });

    public Task UnsubscribeLocation(string location) => Refusing(async () =>
    {
        var id = (await grains.GetGrain<ICatalogGrain>(Caller.TenantId).GetLocationAsync(location)).Id;
        await fanout.UnwatchAsync(Context.ConnectionId, LiveFanout.LocationGroup(id));
        return 0;
    });

    public override Task OnConnectedAsync()
    {
        Operations.ProductMetrics.LiveConnections.Add(1);
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        Operations.ProductMetrics.LiveConnections.Add(-1);
        return fanout.DropConnectionAsync(Context.ConnectionId);
    }

    private Caller Caller => Caller.From(Context.GetHttpContext()!);

    /// <summary>Another tenant's (or a missing) resource is a plain hub error: nothing about it is revealed or sent.</summary>
    private static async Task<T> Refusing<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ApiException e)
        {
            throw new HubException(e.Message);
        }
    }
}
