namespace HeatmapSaas.Webhooks;

/// <summary>The event names endpoints may subscribe to.</summary>
public static class WebhookEventTypes
{
    public const string HeatmapCreated = "heatmap.created";
    public const string HeatmapDataUpdated = "heatmap.data_updated";
    public const string PaymentSucceeded = "payment.succeeded";

    /// <summary>Not in seed 000: the tenant's paid period ended unrenewed and it is back on the free plan.</summary>
    public const string PlanExpired = "plan.expired";

    /// <summary>A location's occupancy went above its capacity (once per crossing; see OccupancyAlarm).</summary>
    public const string LocationOccupancyExceeded = "location.occupancy_exceeded";

    public static readonly IReadOnlyList<string> All = [HeatmapCreated, HeatmapDataUpdated, PaymentSucceeded, PlanExpired, LocationOccupancyExceeded];
}

[GenerateSerializer, Immutable]
public sealed record WebhookDraft(
    [property: Id(0)] string Url,
    [property: Id(1)] string[] Events,
    [property: Id(2)] bool Active);

[GenerateSerializer, Immutable]
public sealed record WebhookPatch(
    [property: Id(0)] string? Url = null,
    [property: Id(1)] string[]? Events = null,
    [property: Id(2)] bool? Active = null);

[GenerateSerializer, Immutable]
public sealed record WebhookEndpoint(
    [property: Id(0)] string Id,
    [property: Id(1)] string Url,
    [property: Id(2)] string[] Events,
    [property: Id(3)] bool Active,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string? DisabledReason);

/// <summary>A newly registered endpoint with its signing secret, the only time the secret is shown.</summary>
[GenerateSerializer, Immutable]
public sealed record IssuedWebhook(
    [property: Id(0)] WebhookEndpoint Endpoint,
    [property: Id(1)] string Secret);

[GenerateSerializer, Immutable]
public sealed record WebhookTarget(
    [property: Id(0)] string Url,
    [property: Id(1)] string Secret);

/// <summary>
/// An event as it is sent: its id (publishing the same id twice queues nothing new), its name (for the
/// subscription match) and the whole JSON body.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WebhookEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] string Body);

public enum DeliveryStatus
{
    Pending,
    Succeeded,
    Failed,
}

[GenerateSerializer, Immutable]
public sealed record DeliveryAttempt(
    [property: Id(0)] int Number,
    [property: Id(1)] DateTimeOffset AttemptedAt,
    [property: Id(2)] int? StatusCode,
    [property: Id(3)] string? Error,
    [property: Id(4)] long DurationMs);

[GenerateSerializer, Immutable]
public sealed record WebhookDeliveryView(
    [property: Id(0)] string Id,
    [property: Id(1)] string WebhookId,
    [property: Id(2)] string Event,
    [property: Id(3)] DeliveryStatus Status,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? NextAttemptAt,
    [property: Id(6)] DeliveryAttempt[] Attempts);
