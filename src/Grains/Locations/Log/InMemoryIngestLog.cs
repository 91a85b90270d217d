using System.Collections.Concurrent;

namespace HeatmapSaas.Grains.Locations.Log;

/// <summary>
/// The embedded mode's log: process memory, shared by every grain of the silo. It survives grain deactivation
/// (so replay and dedupe work across activations), not a process restart — nothing in embedded mode does.
/// </summary>
public sealed class InMemoryIngestLog : IIngestLog
{
    private readonly ConcurrentDictionary<string, LocationLog> _logs = new();

    public Task<LogAppend> AppendAsync(string locationId, LoggedBatch batch, CancellationToken ct = default)
    {
        var log = _logs.GetOrAdd(locationId, _ => new LocationLog());
        lock (log)
        {
            if (log.ById.TryGetValue(batch.BatchId, out var first))
            {
                return Task.FromResult(new LogAppend(first, Duplicate: true));
            }

            var entry = batch with { Position = ++log.LastPosition };
            log.Entries.Add(entry);
            log.ById[entry.BatchId] = entry with { Accepted = [] };
            log.IdsInOrder.Enqueue(entry.BatchId);
            return Task.FromResult(new LogAppend(entry, Duplicate: false));
        }
    }

    public Task<IReadOnlyList<LoggedBatch>> ReadAboveAsync(string locationId, long position, CancellationToken ct = default)
    {
        if (!_logs.TryGetValue(locationId, out var log))
        {
            return Task.FromResult<IReadOnlyList<LoggedBatch>>([]);
        }

        lock (log)
        {
            return Task.FromResult<IReadOnlyList<LoggedBatch>>(log.Entries.Where(e => e.Position > position).ToList());
        }
    }

    public Task TruncateAsync(string locationId, long checkpointPosition, DateTimeOffset forgetIdsBefore, CancellationToken ct = default)
    {
        if (_logs.TryGetValue(locationId, out var log))
        {
            lock (log)
            {
                log.Entries.RemoveAll(e => e.Position <= checkpointPosition);
                // Ids leave in the order they came, so a checkpoint costs what it forgets, not the week of ids it
                // keeps. One not yet due holds back those behind it (after the clock stepped back): remembered longer.
                while (log.IdsInOrder.TryPeek(out var id) && log.ById[id] is var first
                       && first.Position <= checkpointPosition && first.ReceivedAt < forgetIdsBefore)
                {
                    log.IdsInOrder.Dequeue();
                    log.ById.Remove(id);
                }
            }
        }

        return Task.CompletedTask;
    }

    private sealed class LocationLog
    {
        public long LastPosition;
        public readonly List<LoggedBatch> Entries = [];
        public readonly Dictionary<string, LoggedBatch> ById = new(StringComparer.Ordinal);
        public readonly Queue<string> IdsInOrder = new();
    }
}
