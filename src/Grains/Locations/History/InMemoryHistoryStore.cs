using System.Collections.Concurrent;
using HeatmapSaas.Grains.Footfall;

namespace HeatmapSaas.Grains.Locations.History;

/// <summary>
/// The embedded mode's history: process memory, each location's generations by number, each bucket in the same
/// compact encoding the PostgreSQL store writes (a few bytes a cell), since embedded history is never let go.
/// </summary>
public sealed class InMemoryHistoryStore : IHistoryStore
{
    private readonly ConcurrentDictionary<string, SortedDictionary<long, StoredBucket[]>> _locations = new();

    public Task AddAsync(string locationId, long generation, IReadOnlyList<Bucket> closed, CancellationToken ct = default)
    {
        var generations = _locations.GetOrAdd(locationId, _ => []);
        var stored = closed.Select(b => new StoredBucket(b.Time, b.Counts, b.Encode())).ToArray();
        lock (generations)
        {
            generations[generation] = stored;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<HistoricBucket>> ReadAsync(string locationId, TimeBucket from, TimeBucket to, long throughGeneration,
        CancellationToken ct = default) =>
        Task.FromResult(HistoricBucket.Sum(Find(locationId, from, to, throughGeneration).Select(b => HistoricBucket.Of(Bucket.Decode(b.Data)))));

    public Task<IReadOnlyDictionary<long, BucketCounts>> ReadCountsAsync(string locationId, TimeBucket from, TimeBucket to, long throughGeneration,
        CancellationToken ct = default) =>
        Task.FromResult(HistoricBucket.SumCounts(Find(locationId, from, to, throughGeneration).Select(b => (b.Time, b.Counts))));

    private StoredBucket[] Find(string locationId, TimeBucket from, TimeBucket to, long throughGeneration)
    {
        if (!_locations.TryGetValue(locationId, out var generations))
        {
            return [];
        }

        lock (generations)
        {
            return generations
                .TakeWhile(g => g.Key <= throughGeneration)
                .SelectMany(g => g.Value)
                .Where(b => b.Time >= from && b.Time < to)
                .ToArray();
        }
    }

    // The counts are kept decoded beside the encoding: reports read them far more often than heatmaps read grids.
    private sealed record StoredBucket(TimeBucket Time, BucketCounts Counts, byte[] Data);
}
