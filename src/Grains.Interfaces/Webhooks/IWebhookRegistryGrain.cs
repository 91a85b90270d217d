using HeatmapSaas.Locations;

namespace HeatmapSaas.Webhooks;

/// <summary>
/// A tenant's webhook endpoints (keyed by tenant id): registration, and turning events into deliveries in the
/// outbox for every active endpoint that subscribed to them.
/// </summary>
public interface IWebhookRegistryGrain : IGrainWithIntegerKey
{
    Task<IssuedWebhook> RegisterAsync(WebhookDraft draft);

    Task<Page<WebhookEndpoint>> ListAsync(int limit, int offset);

    Task<WebhookEndpoint> GetAsync(string webhookId);

    Task<WebhookEndpoint> UpdateAsync(string webhookId, WebhookPatch patch);

    Task DeleteAsync(string webhookId);

    /// <summary>Every attempt of the endpoint's deliveries, oldest delivery first.</summary>
    Task<Page<WebhookDeliveryView>> ListDeliveriesAsync(string webhookId, int limit, int offset);

    /// <summary>Queues one delivery per subscribed active endpoint; returns how many were queued.</summary>
    Task<int> PublishAsync(WebhookEvent webhookEvent);

    /// <summary>Where and with which secret to send; null when the endpoint is gone or inactive.</summary>
    Task<WebhookTarget?> GetTargetAsync(string webhookId);

    /// <summary>Turns the endpoint off (a receiver answered 410 Gone).</summary>
    Task DisableAsync(string webhookId, string reason);
}
