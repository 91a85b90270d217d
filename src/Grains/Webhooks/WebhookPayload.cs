using System.Text.Json;
using HeatmapSaas.Webhooks;

namespace HeatmapSaas.Grains.Webhooks;

/// <summary>The body every event is sent with, seed 000's shape: <c>{"event","timestamp","data"}</c>.</summary>
public static class WebhookPayload
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Serialized once, when the event happens, so every retry sends the same bytes. <paramref name="data"/> is an
    /// object whose members are already snake_case; instants go in through <see cref="Instants.Utc"/>.
    /// </summary>
    public static WebhookEvent Build(string eventId, string type, DateTimeOffset timestamp, object data) => new(
        eventId, type, JsonSerializer.Serialize(new { @event = type, timestamp = Instants.Utc(timestamp), data }, Json));
}
