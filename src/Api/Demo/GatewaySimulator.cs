using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HeatmapSaas.Api.Hosting;

namespace HeatmapSaas.Api.Demo;

/// <summary>
/// A store gateway that uses the public ingest API like any other: every second it posts the walk's events as one
/// batch, retrying a batch with the same id until it is acknowledged.
/// </summary>
public sealed class GatewaySimulator(HttpClient http, string location, string gatewayId, StoreWalk walk, TimeProvider clock)
{
    /// <summary>Told each batch's final answer: its HTTP status, or null when the server could not be reached.</summary>
    public Action<BatchResult>? Sent { get; init; }

    private static readonly JsonSerializerOptions Json = CreateJson();
    private long _sequence;

    public async Task RunAsync(CancellationToken ct, TimeSpan? interval = null)
    {
        using var timer = new PeriodicTimer(interval ?? TimeSpan.FromSeconds(1), clock);
        while (await timer.WaitForNextTickAsync(ct))
        {
            var events = walk.Step(clock.GetUtcNow());
            if (events.Count > 0)
            {
                await SendAsync(events, ct);
            }
        }
    }

    public async Task SendAsync(IReadOnlyList<WalkEvent> events, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new { batch_id = $"{gatewayId}-{++_sequence:D8}-{clock.GetUtcNow().ToUnixTimeSeconds()}", gateway_id = gatewayId, events }, Json);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
                using var response = await http.PostAsync($"/v1/locations/{location}/events", content, ct);
                if (response.IsSuccessStatusCode || (int)response.StatusCode is >= 400 and < 429 or > 429 and < 500 || attempt >= 5)
                {
                    // Acknowledged, refused for good (a retry would not change the answer), or out of retries.
                    Sent?.Invoke(new BatchResult((int)response.StatusCode, events.Count,
                        response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync(ct)));
                    return;
                }
            }
            catch (HttpRequestException e) when (attempt >= 5)
            {
                Sent?.Invoke(new BatchResult(null, events.Count, e.Message));
                return;
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200 << attempt), ct);
        }
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
        JsonSetup.Configure(options);
        options.Converters.Clear(); // events carry millisecond instants, not the API's whole-second rendering
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return options;
    }
}

/// <summary>A batch's final answer: <paramref name="Status"/> null when the server could not be reached;
/// <paramref name="Detail"/> the error body or message when it was not accepted.</summary>
public readonly record struct BatchResult(int? Status, int Events, string? Detail);
