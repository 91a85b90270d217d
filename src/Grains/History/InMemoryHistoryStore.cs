using System.Collections.Concurrent;
using HeatmapSaas.Grains.Domain.Footfall;

namespace HeatmapSaas.Grains.History;

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
        var stored = closed.Select(b => new StoredBucket(b.Time, b.Encode())).ToArray();
        lock (generations)
        {
            generations[generation] = stored;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<HistoricBucket>> ReadAsync(string locationId, TimeBucket from, TimeBucket to, long throughGeneration,
        CancellationToken ct = default)
    {
        if (!_locations.TryGetValue(locationId, out var generations))
        {
            return Task.FromResult<IReadOnlyList<HistoricBucket>>([]);
        }

        StoredBucket[] found;
        lock (generations)
        {
            found = generations
                .TakeWhile(g => g.Key <= throughGeneration)
                .SelectMany(g => g.Value)
                .Where(b => b.Time >= from && b.Time < to)
                .ToArray();
        }

        return Task.FromResult(HistoricBucket.Sum(found.Select(b => HistoricBucket.Of(Bucket.Decode(b.Data)))));
    }

    private sealed record StoredBucket(TimeBucket Time, byte[] Data);
}
