using HeatmapSaas.Locations;
using HeatmapSaas.Webhooks;

namespace HeatmapSaas.Grains.Webhooks;

/// <summary>The embedded mode's outbox: one process, so a list under a lock is the whole of it.</summary>
public sealed class InMemoryWebhookOutbox : IWebhookOutbox
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, Entry> _byId = [];

    public Task AddAsync(IReadOnlyList<OutboxDelivery> deliveries, CancellationToken ct = default)
    {
        lock (_gate)
        {
            foreach (var delivery in deliveries)
            {
                if (_byId.ContainsKey(delivery.Id))
                {
                    continue;
                }

                var entry = new Entry(delivery) { DueAt = delivery.CreatedAt };
                _entries.Add(entry);
                _byId[delivery.Id] = entry;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxDelivery>> ClaimDueAsync(
        DateTimeOffset now, int max, TimeSpan lease, TenantShare? share = null, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var candidates = _entries
                .Where(e => e.Status == DeliveryStatus.Pending && e.DueAt <= now && e.LeasedUntil <= now)
                .OrderBy(e => e.DueAt);
            var due = (share is null ? candidates.Take(max) : share.Pick(candidates, e => e.Delivery.TenantId, max)).ToList();
            foreach (var entry in due)
            {
                entry.LeasedUntil = now + lease;
            }

            return Task.FromResult<IReadOnlyList<OutboxDelivery>>(
                due.Select(e => e.Delivery with { Attempts = e.Attempts.Count }).ToList());
        }
    }

    public Task RecordAttemptAsync(string deliveryId, DeliveryAttempt attempt, DeliveryStatus status, DateTimeOffset? nextAttemptAt,
        CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(deliveryId, out var entry))
            {
                entry.Attempts.Add(attempt);
                entry.Status = status;
                entry.DueAt = nextAttemptAt;
                entry.LeasedUntil = DateTimeOffset.MinValue;
            }
        }

        return Task.CompletedTask;
    }

    public Task AbandonPendingAsync(long tenantId, string webhookId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            foreach (var entry in _entries.Where(e => e.Delivery.TenantId == tenantId && e.Delivery.WebhookId == webhookId
                                                      && e.Status == DeliveryStatus.Pending))
            {
                entry.Status = DeliveryStatus.Failed;
                entry.DueAt = null;
            }
        }

        return Task.CompletedTask;
    }

    public Task<Page<WebhookDeliveryView>> ListAsync(long tenantId, string webhookId, int limit, int offset, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var matching = _entries.Where(e => e.Delivery.TenantId == tenantId && e.Delivery.WebhookId == webhookId).ToList();
            var items = matching.Skip(offset).Take(limit).Select(e => new WebhookDeliveryView(
                e.Delivery.Id, e.Delivery.WebhookId, e.Delivery.EventType, e.Status, e.Delivery.CreatedAt,
                e.Status == DeliveryStatus.Pending ? e.DueAt : null, e.Attempts.ToArray())).ToList();
            return Task.FromResult(new Page<WebhookDeliveryView>(items, matching.Count, limit, offset));
        }
    }

    public Task PruneAsync(DateTimeOffset before, CancellationToken ct = default)
    {
        lock (_gate)
        {
            foreach (var entry in _entries.Where(e => e.Status != DeliveryStatus.Pending && e.Delivery.CreatedAt < before))
            {
                _byId.Remove(entry.Delivery.Id);
            }

            _entries.RemoveAll(e => !_byId.ContainsKey(e.Delivery.Id));
        }

        return Task.CompletedTask;
    }

    private sealed class Entry(OutboxDelivery delivery)
    {
        public OutboxDelivery Delivery { get; } = delivery;
        public DeliveryStatus Status { get; set; } = DeliveryStatus.Pending;
        public DateTimeOffset? DueAt { get; set; }
        public DateTimeOffset LeasedUntil { get; set; } = DateTimeOffset.MinValue;
        public List<DeliveryAttempt> Attempts { get; } = [];
    }
}
