using System.Collections.Concurrent;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Live;
using HeatmapSaas.Locations;
using Microsoft.AspNetCore.SignalR;

namespace HeatmapSaas.Api.Live;

/// <summary>
/// This host's one grain observer. It is subscribed at a heatmap or location grain only while a dashboard on this
/// host watches it, renewed before the grain's expiry, and forwards what it hears to the SignalR group of that
/// resource (the GPSTracker pattern: no backplane, every host gets only what its own dashboards watch).
/// </summary>
public sealed class LiveFanout(IGrainFactory grains, IHubContext<LiveHub> hub, ILogger<LiveFanout> logger)
    : BackgroundService, ILiveObserver
{
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Watch> _watched = [];
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byConnection = new();
    private readonly Lock _gate = new();
    private ILiveObserver? _self;

    private ILiveObserver Self
    {
        get
        {
            lock (_gate)
            {
                return _self ??= grains.CreateObjectReference<ILiveObserver>(this);
            }
        }
    }

    public static string HeatmapGroup(string id) => "heatmap:" + id;

    public static string LocationGroup(string id) => "location:" + id;

    public async Task<HeatmapFrame[]> WatchHeatmapAsync(string connectionId, long tenantId, string heatmapId)
    {
        var frames = await grains.AskHeatmapAsync(tenantId, heatmapId, heatmap => heatmap.SubscribeAsync(tenantId, Self));
        await JoinAsync(connectionId, HeatmapGroup(heatmapId), new Watch(tenantId, heatmapId, IsHeatmap: true));
        return frames;
    }

    public async Task<LocationCounters> WatchLocationAsync(string connectionId, long tenantId, string locationId)
    {
        var counters = await grains.GetGrain<ILocationGrain>(locationId).SubscribeAsync(tenantId, Self);
        await JoinAsync(connectionId, LocationGroup(locationId), new Watch(tenantId, locationId, IsHeatmap: false));
        return counters;
    }

    public async Task UnwatchAsync(string connectionId, string group)
    {
        await hub.Groups.RemoveFromGroupAsync(connectionId, group);
        if (_byConnection.TryGetValue(connectionId, out var groups) && groups.TryRemove(group, out _))
        {
            await ReleaseAsync(group);
        }
    }

    /// <summary>A closed connection leaves all its groups; a resource nobody here watches any more is unsubscribed.</summary>
    public async Task DropConnectionAsync(string connectionId)
    {
        if (_byConnection.TryRemove(connectionId, out var groups))
        {
            foreach (var group in groups.Keys)
            {
                await ReleaseAsync(group);
            }
        }
    }

    /// <summary>How many resources this host is subscribed to (for tests and metrics).</summary>
    public int SubscriptionCount
    {
        get
        {
            lock (_gate)
            {
                return _watched.Count;
            }
        }
    }

    public void HeatmapUpdated(HeatmapFrame frame) =>
        _ = hub.Clients.Group(HeatmapGroup(frame.HeatmapId)).SendAsync("heatmapUpdated", frame);

    public void LocationCountersChanged(LocationCounters counters) =>
        _ = hub.Clients.Group(LocationGroup(counters.LocationId)).SendAsync("locationCounters", counters);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RenewEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            List<Watch> watches;
            lock (_gate)
            {
                watches = [.. _watched.Values];
            }

            foreach (var watch in watches)
            {
                try
                {
                    await SubscribeAgainAsync(watch);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Renewing the live subscription to {Id} failed; retrying next round", watch.Id);
                }
            }
        }
    }

    private Task SubscribeAgainAsync(Watch watch) => watch.IsHeatmap
        ? grains.AskHeatmapAsync(watch.TenantId, watch.Id, heatmap => heatmap.SubscribeAsync(watch.TenantId, Self))
        : grains.GetGrain<ILocationGrain>(watch.Id).SubscribeAsync(watch.TenantId, Self);

    private async Task JoinAsync(string connectionId, string group, Watch watch)
    {
        await hub.Groups.AddToGroupAsync(connectionId, group);
        var groups = _byConnection.GetOrAdd(connectionId, _ => new());
        if (groups.TryAdd(group, 0))
        {
            lock (_gate)
            {
                _watched[group] = _watched.TryGetValue(group, out var w) ? w with { Count = w.Count + 1 } : watch with { Count = 1 };
            }
        }
    }

    /// <summary>One watcher fewer; the last one out unsubscribes this host's observer at the grain.</summary>
    private async Task ReleaseAsync(string group)
    {
        Watch? gone = null;
        lock (_gate)
        {
            if (_watched.TryGetValue(group, out var w))
            {
                if (w.Count > 1)
                {
                    _watched[group] = w with { Count = w.Count - 1 };
                }
                else
                {
                    _watched.Remove(group);
                    gone = w;
                }
            }
        }

        if (gone is not null)
        {
            await (gone.IsHeatmap
                ? grains.GetGrain<IHeatmapGrain>(gone.Id).UnsubscribeAsync(Self)
                : grains.GetGrain<ILocationGrain>(gone.Id).UnsubscribeAsync(Self));
        }
    }

    private sealed record Watch(long TenantId, string Id, bool IsHeatmap, int Count = 0);
}
