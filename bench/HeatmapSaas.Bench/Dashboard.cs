using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace HeatmapSaas.Bench;

/// <summary>One push as heard by a dashboard: when it arrived (<see cref="Stopwatch"/> ticks) and its <c>ts</c> (unix seconds).</summary>
public readonly record struct Heard(long Ticks, long Ts);

/// <summary>
/// One dashboard: a real SignalR client over WebSockets on <c>/hubs/live</c>, subscribed to one heatmap. It notes the
/// arrival time of every <c>heatmapUpdated</c> first, before anything else is done with it.
/// </summary>
public sealed class Dashboard : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly List<Heard> _heard = [];
    private long _newestTs = long.MinValue;

    private Dashboard(HubConnection connection)
    {
        _connection = connection;
        _connection.On<Push>("heatmapUpdated", push =>
        {
            var now = Stopwatch.GetTimestamp();
            if (push.Ts is not { } ts)
            {
                return;
            }

            var seconds = ts.ToUnixTimeSeconds();
            lock (_heard)
            {
                _heard.Add(new Heard(now, seconds));
            }

            if (seconds > Volatile.Read(ref _newestTs))
            {
                Volatile.Write(ref _newestTs, seconds);
            }
        });
    }

    /// <summary>The newest <c>ts</c> heard so far (unix seconds).</summary>
    public long NewestTs => Volatile.Read(ref _newestTs);

    public static async Task<Dashboard> ConnectAsync(Uri baseAddress, string apiKey, string heatmapId, CancellationToken cancel)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "/hubs/live"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(apiKey);
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
            })
            .Build();
        var dashboard = new Dashboard(connection);
        await connection.StartAsync(cancel);
        await connection.InvokeAsync<Push[]>("SubscribeHeatmap", heatmapId, cancel);
        return dashboard;
    }

    /// <summary>Everything heard since the last call, in arrival order.</summary>
    public Heard[] TakeHeard()
    {
        lock (_heard)
        {
            var heard = _heard.ToArray();
            _heard.Clear();
            return heard;
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>The only fields of a <c>heatmapUpdated</c> frame the bench reads; the cells are skipped.</summary>
    private sealed record Push([property: JsonPropertyName("heatmap_id")] string HeatmapId, [property: JsonPropertyName("ts")] DateTimeOffset? Ts);
}
