using HeatmapSaas.Errors;
using HeatmapSaas.Locations;
using HeatmapSaas.Webhooks;

namespace HeatmapSaas.Grains.Webhooks;

[GenerateSerializer]
public sealed class WebhookRegistryState
{
    [Id(0)] public List<StoredWebhook> Webhooks { get; set; } = [];
}

/// <summary>An endpoint with the secret its deliveries are signed with.</summary>
[GenerateSerializer, Immutable]
public sealed record StoredWebhook([property: Id(0)] WebhookEndpoint Endpoint, [property: Id(1)] string Secret);

/// <summary>
/// A tenant's webhook endpoints. Publishing writes the deliveries to the outbox (the commit point: once there, a
/// delivery is sent) and wakes this silo's sender.
/// </summary>
public sealed class WebhookRegistryGrain(
    [PersistentState("webhooks", StorageNames.Default)] IPersistentState<WebhookRegistryState> state,
    IWebhookOutbox outbox,
    WebhookSignal signal,
    TimeProvider clock) : Grain, IWebhookRegistryGrain
{
    private List<StoredWebhook> Webhooks => state.State.Webhooks;

    public async Task<IssuedWebhook> RegisterAsync(WebhookDraft draft)
    {
        var endpoint = new WebhookEndpoint(
            ResourceId.New("webhook"), draft.Url, draft.Events, draft.Active, clock.GetUtcNow(), null);
        var stored = new StoredWebhook(endpoint, WebhookSignature.NewSecret());
        Webhooks.Add(stored);
        await state.WriteStateAsync();
        return new IssuedWebhook(endpoint, stored.Secret);
    }

    public Task<Page<WebhookEndpoint>> ListAsync(int limit, int offset) => Task.FromResult(new Page<WebhookEndpoint>(
        Webhooks.Skip(offset).Take(limit).Select(w => w.Endpoint).ToList(), Webhooks.Count, limit, offset));

    public Task<WebhookEndpoint> GetAsync(string webhookId) => Task.FromResult(Require(webhookId).Endpoint);

    public async Task<WebhookEndpoint> UpdateAsync(string webhookId, WebhookPatch patch)
    {
        var current = Require(webhookId);
        var active = patch.Active ?? current.Endpoint.Active;
        var updated = current with
        {
            Endpoint = current.Endpoint with
            {
                Url = patch.Url ?? current.Endpoint.Url,
                Events = patch.Events ?? current.Endpoint.Events,
                Active = active,
                // Turning an endpoint back on clears why it was turned off.
                DisabledReason = active ? null : current.Endpoint.DisabledReason,
            },
        };
        Webhooks[Webhooks.IndexOf(current)] = updated;
        await state.WriteStateAsync();
        if (!active)
        {
            await outbox.AbandonPendingAsync(this.GetPrimaryKeyLong(), webhookId);
        }

        return updated.Endpoint;
    }

    public async Task DeleteAsync(string webhookId)
    {
        Webhooks.Remove(Require(webhookId));
        await state.WriteStateAsync();
        await outbox.AbandonPendingAsync(this.GetPrimaryKeyLong(), webhookId);
    }

    public Task<Page<WebhookDeliveryView>> ListDeliveriesAsync(string webhookId, int limit, int offset)
    {
        Require(webhookId);
        return outbox.ListAsync(this.GetPrimaryKeyLong(), webhookId, limit, offset);
    }

    public async Task<int> PublishAsync(WebhookEvent webhookEvent)
    {
        var now = clock.GetUtcNow();
        var deliveries = Webhooks
            .Where(w => w.Endpoint.Active && w.Endpoint.Events.Contains(webhookEvent.Type))
            .Select(w => new OutboxDelivery(
                WebhookSignature.DeliveryId(webhookEvent.Id, w.Endpoint.Id), this.GetPrimaryKeyLong(), w.Endpoint.Id,
                webhookEvent.Type, webhookEvent.Body, now, 0))
            .ToList();
        if (deliveries.Count > 0)
        {
            await outbox.AddAsync(deliveries);
            signal.Wake();
        }

        return deliveries.Count;
    }

    public Task<WebhookTarget?> GetTargetAsync(string webhookId) => Task.FromResult(
        Webhooks.Find(w => w.Endpoint.Id == webhookId) is { Endpoint.Active: true } stored
            ? new WebhookTarget(stored.Endpoint.Url, stored.Secret)
            : null);

    public async Task DisableAsync(string webhookId, string reason)
    {
        if (Webhooks.Find(w => w.Endpoint.Id == webhookId) is not { } stored)
        {
            return;
        }

        Webhooks[Webhooks.IndexOf(stored)] = stored with { Endpoint = stored.Endpoint with { Active = false, DisabledReason = reason } };
        await state.WriteStateAsync();
        await outbox.AbandonPendingAsync(this.GetPrimaryKeyLong(), webhookId);
    }

    private StoredWebhook Require(string webhookId) =>
        Webhooks.Find(w => w.Endpoint.Id == webhookId) ?? throw ApiException.NotFound("Webhook");
}

/// <summary>Wakes this silo's sender when a delivery was just queued, so it does not wait for its next poll.</summary>
public sealed class WebhookSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake-pending; one wake-up covers every queued delivery.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}
