using HeatmapSaas.Locations;

namespace HeatmapSaas.Grains.Locations.Log;

/// <summary>
/// A location's ordered log of acknowledged batches. Appending is the commit point of ingest: a batch is counted
/// if and only if it is in the log, and a batch id is in the log at most once. The location grain checkpoints
/// its state with the highest position it has applied and, on activation, replays what lies above.
/// </summary>
public interface IIngestLog
{
    /// <summary>
    /// Appends the batch under its id, or, when the id is already logged, returns the first entry untouched
    /// (the caller answers its receipt as a duplicate).
    /// </summary>
    Task<LogAppend> AppendAsync(string locationId, LoggedBatch batch, CancellationToken ct = default);

    /// <summary>The batches above a position, in log order.</summary>
    Task<IReadOnlyList<LoggedBatch>> ReadAboveAsync(string locationId, long position, CancellationToken ct = default);

    /// <summary>Forgets readings at or below the checkpoint; batch ids stay remembered for the dedupe window.</summary>
    Task TruncateAsync(string locationId, long checkpointPosition, DateTimeOffset forgetIdsBefore, CancellationToken ct = default);
}

/// <summary>One acknowledged batch: what was accepted (in the order it takes effect) and the answer given.</summary>
/// <param name="Position">Assigned by the log on append; 0 before.</param>
/// <param name="ReceivedAt">The wall clock when it was applied, so a replay expires idle tracks exactly as before.</param>
public sealed record LoggedBatch(
    long Position,
    string BatchId,
    string? GatewayId,
    SensorReading[] Accepted,
    IngestReceipt Receipt,
    DateTimeOffset ReceivedAt);

/// <summary>The result of an append: the entry now in the log, and whether it was there before.</summary>
public readonly record struct LogAppend(LoggedBatch Entry, bool Duplicate);
