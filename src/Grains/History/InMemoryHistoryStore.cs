using System.Collections.Concurrent;
using HeatmapSaas.Grains.Domain.Footfall;

namespace HeatmapSaas.Grains.History;

/// <summary>The embedded mode's history: process memory, sorted by bucket per location.</summary>
public sealed class InMemoryHistoryStore : IHistoryStore
{
    private readonly ConcurrentDictionary<string, SortedDictionary<long, HistoricBucket>> _locations = new();

    public Task AddAsync(string locationId, IReadOnlyList<Bucket> closed, CancellationToken ct = default)
    {
        var buckets = _locations.GetOrAdd(locationId, _ => []);
        lock (buckets)
        {
            foreach (var bucket in closed)
            {
                var grids = HeatmapTypes.All.ToDictionary(t => t, t => bucket.Grid(t).Clone());
                if (buckets.TryGetValue(bucket.Time.Index, out var stored))
                {
                    foreach (var (type, grid) in stored.Grids)
                    {
                        grids[type].AddAll(grid);
                    }

                    buckets[bucket.Time.Index] = new HistoricBucket(bucket.Time, stored.Counts + bucket.Counts, grids);
                }
                else
                {
                    buckets[bucket.Time.Index] = new HistoricBucket(bucket.Time, bucket.Counts, grids);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<HistoricBucket>> ReadAsync(string locationId, TimeBucket from, TimeBucket to, CancellationToken ct = default)
    {
        if (!_locations.TryGetValue(locationId, out var buckets))
        {
            return Task.FromResult<IReadOnlyList<HistoricBucket>>([]);
        }

        lock (buckets)
        {
            return Task.FromResult<IReadOnlyList<HistoricBucket>>(
                buckets.Values.Where(b => b.Time >= from && b.Time < to).ToList());
        }
    }
}
