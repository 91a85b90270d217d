using System.Globalization;
using System.Text.Json;
using HeatmapSaas.Webhooks;

namespace HeatmapSaas.Grains.Webhooks;

/// <summary>The body every event is sent with, seed 000's shape: <c>{"event","timestamp","data"}</c>.</summary>
public static class WebhookPayload
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Serialized once, when the event happens, so every retry sends the same bytes. <paramref name="data"/> is an
    /// object whose members are already snake_case; instants go in through <see cref="Instant"/>.
    /// </summary>
    public static WebhookEvent Build(string eventId, string type, DateTimeOffset timestamp, object data) => new(
        eventId, type, JsonSerializer.Serialize(new { @event = type, timestamp = Instant(timestamp), data }, Json));

    /// <summary>The contract's instant format, UTC to the second.</summary>
    public static string Instant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
