using System.Collections.Concurrent;
using HeatmapSaas.Api.Auth;
using Microsoft.AspNetCore.SignalR;

namespace HeatmapSaas.Api.Live;

/// <summary>
/// The keys behind this host's open hub connections. A connection outlives the request that authenticated it, so
/// every <see cref="Recheck"/> the keys in use are resolved again and the connections of a revoked key are closed:
/// its ingest streams end and its live pushes stop. Hub invocations ask the requests' <see cref="ApiKeyCache"/>
/// (<see cref="HubAccess"/>), so a burst of calls costs one grain call per key.
/// </summary>
public sealed class HubKeyWatch(ApiKeyCache keys, IConfiguration config, TimeProvider clock, ILogger<HubKeyWatch> logger)
    : BackgroundService
{
    public TimeSpan Recheck { get; } = config.GetValue("Heatmap:Hubs:KeyRecheck", TimeSpan.FromSeconds(2));

    private readonly ConcurrentDictionary<string, (string KeyHash, HubCallerContext Connection)> _connections = new();

    public void Opened(HubCallerContext connection, string keyHash) => _connections[connection.ConnectionId] = (keyHash, connection);

    public void Closed(HubCallerContext connection) => _connections.TryRemove(connection.ConnectionId, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Recheck, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CloseRevokedAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Re-checking the keys of open hub connections failed; retrying next round");
            }
        }
    }

    private async Task CloseRevokedAsync()
    {
        var byKey = _connections.Values.GroupBy(c => c.KeyHash);
        foreach (var connections in byKey)
        {
            if (await keys.ResolveAsync(connections.Key) is null)
            {
                foreach (var (_, connection) in connections)
                {
                    connection.Abort();
                }
            }
        }
    }
}
