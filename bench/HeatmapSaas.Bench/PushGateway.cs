using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace HeatmapSaas.Bench;

/// <summary>A batch the product acknowledged: its newest event's <c>ts</c> (unix seconds), when it was sent and when its 202 arrived.</summary>
public readonly record struct Ack(long Ts, long SentTicks, long Ticks)
{
    public double RoundTripMs => Stopwatch.GetElapsedTime(SentTicks, Ticks).TotalMilliseconds;
}

/// <summary>
/// The one gateway of the push-latency scenario. Every batch's events share one <c>ts</c>, one second after the
/// previous batch's, so the <c>ts</c> of a push (its newest event) names the batch it carries. The wire format
/// writes instants to the second, hence whole seconds; the timeline starts a day back so that a run of a few
/// thousand batches stays inside the accepted horizon and outside today's snapshot.
/// </summary>
public sealed class PushGateway(HttpClient http, string location, int eventsPerBatch)
{
    private readonly Random _random = new(7);
    private readonly long _firstTs = DateTimeOffset.UtcNow.AddHours(-26).ToUnixTimeSeconds();
    private long _next;

    /// <summary>Posts <paramref name="batches"/> batches at <paramref name="perSecond"/>, one in flight; a late batch is sent at once.</summary>
    public async Task<List<Ack>> SendAsync(int batches, int perSecond, CancellationToken cancel)
    {
        var acks = new List<Ack>(batches);
        var period = Stopwatch.Frequency / perSecond;
        var due = Stopwatch.GetTimestamp();
        for (var i = 0; i < batches; i++)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancel);
            }

            due += period;
            var ts = _firstTs + _next++;
            using var body = new StringContent(Body(ts), Encoding.UTF8, "application/json");
            var sent = Stopwatch.GetTimestamp();
            using var response = await http.PostAsync($"/v1/locations/{location}/events", body, cancel);
            var ticks = Stopwatch.GetTimestamp();
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"batch {ts} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancel)}");
            }

            acks.Add(new Ack(ts, sent, ticks));
        }

        return acks;
    }

    private string Body(long ts)
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(ts).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var json = new StringBuilder(64 + eventsPerBatch * 96);
        json.Append(CultureInfo.InvariantCulture, $"{{\"batch_id\":\"push-{ts}\",\"gateway_id\":\"gw-push\",\"events\":[");
        for (var i = 0; i < eventsPerBatch; i++)
        {
            json.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"{{\"type\":\"position\",\"track_id\":\"p-{i}\",\"ts\":\"{at}\",\"x\":{_random.Next(1000)},\"y\":{_random.Next(1000)}}}");
        }

        return json.Append("]}").ToString();
    }
}
