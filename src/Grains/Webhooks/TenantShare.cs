namespace HeatmapSaas.Grains.Webhooks;

/// <summary>
/// How a sender shares its slots among tenants: at most <see cref="PerTenant"/> sends of one tenant in flight, and
/// due deliveries taken in turns — every tenant's first, then every tenant's second — so one tenant's backlog of
/// slow or failing endpoints never queues ahead of another tenant's first attempt.
/// </summary>
public sealed record TenantShare(int PerTenant, IReadOnlyDictionary<long, int> InFlight)
{
    /// <summary>The deliveries to claim, from candidates in due order: in turns, within each tenant's free share.</summary>
    public IEnumerable<T> Pick<T>(IEnumerable<T> dueInOrder, Func<T, long> tenantOf, int max)
    {
        var taken = new Dictionary<long, int>();
        return dueInOrder
            .Select(item =>
            {
                var tenant = tenantOf(item);
                var turn = taken[tenant] = taken.GetValueOrDefault(tenant) + 1;
                return (Item: item, Turn: turn + InFlight.GetValueOrDefault(tenant));
            })
            .Where(c => c.Turn <= PerTenant)
            .OrderBy(c => c.Turn) // stable: within a turn, due order is kept
            .Take(max)
            .Select(c => c.Item);
    }
}
