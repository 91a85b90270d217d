using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace HeatmapSaas.Bench;

/// <summary>What one timed stretch of fleet traffic gave: batches answered 202, the rest, and the 202s' round trips.</summary>
public sealed record FleetTraffic(long Accepted, long Failed, double Seconds, double P50Ms, double P99Ms, string? FirstFailure)
{
    public double PerSecond => Accepted / Seconds;
}

/// <summary>Where a fleet's batches come from: posts for a while and says what came back.</summary>
public interface IFleetLoad
{
    /// <summary>Posts for <paramref name="duration"/>; round trips are kept only when <paramref name="measure"/>.</summary>
    Task<FleetTraffic> RunAsync(TimeSpan duration, bool measure);
}

/// <summary>
/// A fleet's gateways in this process (<c>--driver http</c>): a fixed number of HTTP connections (as gateways behind a few load balancer connections would
/// arrive), each posting the next store's next 20-event batch as soon as the previous one was answered, stores in
/// turn. A store's batches continue its four visitors' tracks, so every store's ledger stays the same size.
/// </summary>
public sealed class FleetLoad(Uri baseAddress, string? apiKey, IReadOnlyList<string> paths, int connections) : IFleetLoad
{
    public const int EventsPerBatch = 20;
    private const int TracksPerStore = 4;
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private long _next;

    public async Task<FleetTraffic> RunAsync(TimeSpan duration, bool measure)
    {
        var started = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            using var handler = new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            if (apiKey is not null)
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }

            var roundTrips = new List<double>(measure ? 100_000 : 0);
            long accepted = 0, failed = 0;
            string? firstFailure = null;
            while (started.Elapsed < duration)
            {
                var n = Interlocked.Increment(ref _next) - 1;
                var store = (int)(n % paths.Count);
                var body = Body(store, n / paths.Count);
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = Json;
                    using var response = await http.PostAsync(paths[store], content);
                    var answer = await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        accepted++;
                        if (measure)
                        {
                            roundTrips.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                        }
                    }
                    else
                    {
                        failed++;
                        firstFailure ??= $"{(int)response.StatusCode}: {Encoding.UTF8.GetString(answer)}";
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failed++;
                    firstFailure ??= e.Message;
                }
            }

            return (accepted, failed, firstFailure, roundTrips);
        })));
        var seconds = started.Elapsed.TotalSeconds;
        var all = results.SelectMany(r => r.roundTrips).ToList();
        return new FleetTraffic(results.Sum(r => r.accepted), results.Sum(r => r.failed), seconds,
            Stats.Percentile(all, 50), Stats.Percentile(all, 99), results.Select(r => r.firstFailure).FirstOrDefault(f => f is not null));
    }

    /// <summary>Batch <paramref name="sequence"/> of a store: 20 positions of its four visitors, stamped a second ago.</summary>
    private static byte[] Body(int store, long sequence)
    {
        var ts = DateTime.UtcNow.AddSeconds(-1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var json = new StringBuilder(1_600);
        json.Append(CultureInfo.InvariantCulture, $"{{\"batch_id\":\"s{store}-{sequence}\",\"gateway_id\":\"gw-{store}\",\"events\":[");
        for (var i = 0; i < EventsPerBatch; i++)
        {
            var x = (sequence * 7 + i * 3) % 40 + 0.5;
            var y = (sequence * 5 + i * 11) % 30 + 0.5;
            json.Append(CultureInfo.InvariantCulture,
                $"{(i == 0 ? "" : ",")}{{\"type\":\"position\",\"track_id\":\"v{i % TracksPerStore}\",\"ts\":\"{ts}\",\"x\":{x},\"y\":{y}}}");
        }

        json.Append("]}");
        return Encoding.UTF8.GetBytes(json.ToString());
    }
}
