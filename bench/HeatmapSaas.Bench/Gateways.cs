using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace HeatmapSaas.Bench;

/// <summary>
/// The store gateways: one HTTP client per store, each posting its store's batches one after another (the next
/// batch once the previous one is acknowledged, as a gateway that must not lose data does), all stores at once.
/// </summary>
public static class Gateways
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>
    /// Posts every batch of the workload, all stores together at <paramref name="eventsPerSecond"/> (null: as fast as
    /// acknowledgements come); returns the number of events the server acknowledged.
    /// </summary>
    public static async Task<long> SendAllAsync(
        Uri baseAddress, string? apiKey, Workload workload, Func<LocationStream, string> pathOf, Progress progress, bool checkReceipts,
        List<double>? roundTripsMs = null, double? eventsPerSecond = null)
    {
        var accepted = await Task.WhenAll(workload.Locations.Select(location => Task.Run(async () =>
        {
            using var handler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false };
            using var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
            if (apiKey is not null)
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
            }

            var path = pathOf(location);
            long total = 0;
            var roundTrips = new List<double>(location.Bodies.Length);
            var pacer = new Pacer(eventsPerSecond / workload.Locations.Length);
            for (var i = 0; i < location.Bodies.Length; i++)
            {
                await pacer.WaitAsync(total);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(location.Bodies[i]);
                content.Headers.ContentType = Json;
                using var response = await http.PostAsync(path, content);
                var body = await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException(
                        $"POST {path} batch {i + 1} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
                }

                var count = checkReceipts ? Accepted(body) : location.BodyEvents[i];
                if (count != location.BodyEvents[i])
                {
                    throw new InvalidOperationException(
                        $"POST {path} batch {i + 1} accepted {count} of {location.BodyEvents[i]} events: {Encoding.UTF8.GetString(body)}");
                }

                roundTrips.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                total += count;
                progress.Add(count);
            }

            if (roundTripsMs is not null)
            {
                lock (roundTripsMs)
                {
                    roundTripsMs.AddRange(roundTrips);
                }
            }

            return total;
        })));
        return accepted.Sum();
    }

    /// <summary>The <c>accepted</c> count of a 202 body.</summary>
    public static int Accepted(byte[] receipt)
    {
        var reader = new Utf8JsonReader(receipt);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("accepted"u8))
            {
                reader.Read();
                return reader.GetInt32();
            }
        }

        return -1;
    }
}
