using HeatmapSaas.Api.Locations;
using HeatmapSaas.Webhooks;

namespace HeatmapSaas.Api.Webhooks;

public sealed record WebhookBody(string? Url, string[]? Events, bool? Active);

/// <summary>Seed 000's registration answer: the endpoint with its secret, shown this once.</summary>
public sealed record IssuedWebhookResponse(string Id, string Url, string[] Events, bool Active, string Secret, DateTimeOffset CreatedAt)
{
    public static IssuedWebhookResponse From(IssuedWebhook w) =>
        new(w.Endpoint.Id, w.Endpoint.Url, w.Endpoint.Events, w.Endpoint.Active, w.Secret, w.Endpoint.CreatedAt);
}

public sealed record WebhookResponse(string Id, string Url, string[] Events, bool Active, DateTimeOffset CreatedAt, string? DisabledReason)
{
    public static WebhookResponse From(WebhookEndpoint w) => new(w.Id, w.Url, w.Events, w.Active, w.CreatedAt, w.DisabledReason);
}

public sealed record WebhookListResponse(IReadOnlyList<WebhookResponse> Webhooks, Pagination Pagination);

public sealed record DeliveryAttemptResponse(int Number, DateTimeOffset AttemptedAt, int? StatusCode, string? Error, long DurationMs);

public sealed record WebhookDeliveryResponse(
    string Id, string Event, DeliveryStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
    IReadOnlyList<DeliveryAttemptResponse> Attempts)
{
    public static WebhookDeliveryResponse From(WebhookDeliveryView d) => new(
        d.Id, d.Event, d.Status, d.CreatedAt, d.NextAttemptAt,
        d.Attempts.Select(a => new DeliveryAttemptResponse(a.Number, a.AttemptedAt, a.StatusCode, a.Error, a.DurationMs)).ToList());
}

public sealed record WebhookDeliveryListResponse(IReadOnlyList<WebhookDeliveryResponse> Deliveries, Pagination Pagination);
