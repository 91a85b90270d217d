using HeatmapSaas.Locations;
using HeatmapSaas.Webhooks;

namespace HeatmapSaas.Grains.Webhooks;

/// <summary>
/// Deliveries waiting to be sent, and the record of every attempt. In memory when embedded, a PostgreSQL table
/// otherwise, where a delivery once added survives any crash. Senders claim due deliveries for a lease, so two
/// silos never send the same one at once and a sender that dies mid-send only delays it by the lease.
/// </summary>
public interface IWebhookOutbox
{
    /// <summary>Adds deliveries, due at once; an id already present is left as it is.</summary>
    Task AddAsync(IReadOnlyList<OutboxDelivery> deliveries, CancellationToken ct = default);

    /// <summary>Up to <paramref name="max"/> pending deliveries due at <paramref name="now"/>, each hidden from other
    /// claims until <paramref name="now"/> + <paramref name="lease"/>; taken in turns over tenants within each
    /// tenant's free <paramref name="share"/> when one is given, else in due order.</summary>
    Task<IReadOnlyList<OutboxDelivery>> ClaimDueAsync(
        DateTimeOffset now, int max, TimeSpan lease, TenantShare? share = null, CancellationToken ct = default);

    /// <summary>Records an attempt and the delivery's next state: pending again at <paramref name="nextAttemptAt"/>,
    /// or finished.</summary>
    Task RecordAttemptAsync(string deliveryId, DeliveryAttempt attempt, DeliveryStatus status, DateTimeOffset? nextAttemptAt,
        CancellationToken ct = default);

    /// <summary>Ends every pending delivery of an endpoint (deleted, deactivated or gone).</summary>
    Task AbandonPendingAsync(long tenantId, string webhookId, CancellationToken ct = default);

    Task<Page<WebhookDeliveryView>> ListAsync(long tenantId, string webhookId, int limit, int offset, CancellationToken ct = default);

    /// <summary>Forgets finished deliveries created before <paramref name="before"/>, with their attempts.</summary>
    Task PruneAsync(DateTimeOffset before, CancellationToken ct = default);
}

/// <summary>A delivery as the sender needs it: whom it is for, the bytes to send, and how many tries it has had.</summary>
public sealed record OutboxDelivery(
    string Id,
    long TenantId,
    string WebhookId,
    string EventType,
    string Body,
    DateTimeOffset CreatedAt,
    int Attempts);
