using Npgsql;
using NpgsqlTypes;

namespace HeatmapSaas.Grains.Ingest;

/// <summary>
/// PostgreSQL mode's log (table <c>heatmap_ingest_log</c>, see <c>004_ingest_log_and_history.sql</c>): an append is
/// one autocommitted insert, so when it returns the batch survives any crash; a conflicting batch id returns the
/// row already there. Shared by every silo through the database, so a location that moves finds its log.
/// </summary>
public sealed class PostgresIngestLog(NpgsqlDataSource database) : IIngestLog
{
    /// <summary>Rows the cleaner deletes per statement, so no single delete holds locks for long.</summary>
    public const int CleanerBatchSize = 1_000;

    // One round trip: the insert, or (on a conflicting batch id) the row that was there first.
    private const string AppendSql = """
        WITH inserted AS (
            INSERT INTO heatmap_ingest_log (location_id, position, batch_id, received_at, entry)
            VALUES (@location, nextval('heatmap_ingest_position'), @batch, @received, @entry)
            ON CONFLICT (location_id, batch_id) DO NOTHING
            RETURNING position)
        SELECT position, NULL::timestamptz, NULL::bytea FROM inserted
        UNION ALL
        SELECT position, received_at, entry FROM heatmap_ingest_log
        WHERE location_id = @location AND batch_id = @batch AND NOT EXISTS (SELECT 1 FROM inserted)
        """;

    private const string FirstEntrySql = """
        SELECT position, received_at, entry FROM heatmap_ingest_log WHERE location_id = @location AND batch_id = @batch
        """;

    private const string ReadAboveSql = """
        SELECT position, batch_id, received_at, entry FROM heatmap_ingest_log
        WHERE location_id = @location AND position > @position ORDER BY position
        """;

    private const string CleanSql = """
        DELETE FROM heatmap_ingest_log WHERE location_id = @location AND position IN (
            SELECT position FROM heatmap_ingest_log
            WHERE location_id = @location AND received_at < @before AND position <= @position
            LIMIT @limit)
        """;

    public async Task<LogAppend> AppendAsync(string locationId, LoggedBatch batch, CancellationToken ct = default)
    {
        await using var command = database.CreateCommand(AppendSql);
        command.Parameters.AddWithValue("location", locationId);
        command.Parameters.AddWithValue("batch", batch.BatchId);
        command.Parameters.AddWithValue("received", NpgsqlDbType.TimestampTz, batch.ReceivedAt.UtcDateTime);
        command.Parameters.AddWithValue("entry", LoggedBatchCodec.Encode(batch));
        var first = await ReadEntryAsync(command, batch.BatchId, ct);
        if (first is { } inserted && inserted.Entry is null)
        {
            return new LogAppend(batch with { Position = inserted.Position }, Duplicate: false);
        }

        // The conflicting row was committed by a concurrent insert after this statement's snapshot: read it now.
        if (first is null)
        {
            await using var again = database.CreateCommand(FirstEntrySql);
            again.Parameters.AddWithValue("location", locationId);
            again.Parameters.AddWithValue("batch", batch.BatchId);
            first = await ReadEntryAsync(again, batch.BatchId, ct)
                    ?? throw new InvalidOperationException($"Batch {batch.BatchId} is neither new nor logged.");
        }

        return new LogAppend(first.Value.Entry!, Duplicate: true);
    }

    public async Task<IReadOnlyList<LoggedBatch>> ReadAboveAsync(string locationId, long position, CancellationToken ct = default)
    {
        await using var command = database.CreateCommand(ReadAboveSql);
        command.Parameters.AddWithValue("location", locationId);
        command.Parameters.AddWithValue("position", position);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var entries = new List<LoggedBatch>();
        while (await reader.ReadAsync(ct))
        {
            entries.Add(LoggedBatchCodec.Decode(reader.GetInt64(0), reader.GetString(1),
                new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero), reader.GetFieldValue<byte[]>(3)));
        }

        return entries;
    }

    /// <summary>
    /// The cleaner: deletes, a bounded number of rows at a time, the rows that are both applied (at or below the
    /// checkpoint) and past the dedupe window. Rows inside the window stay whole: they are the remembered ids, and
    /// their stored receipts are the answers duplicates repeat.
    /// </summary>
    public async Task TruncateAsync(string locationId, long checkpointPosition, DateTimeOffset forgetIdsBefore, CancellationToken ct = default)
    {
        int deleted;
        do
        {
            await using var command = database.CreateCommand(CleanSql);
            command.Parameters.AddWithValue("location", locationId);
            command.Parameters.AddWithValue("position", checkpointPosition);
            command.Parameters.AddWithValue("before", NpgsqlDbType.TimestampTz, forgetIdsBefore.UtcDateTime);
            command.Parameters.AddWithValue("limit", CleanerBatchSize);
            deleted = await command.ExecuteNonQueryAsync(ct);
        }
        while (deleted == CleanerBatchSize);
    }

    /// <summary>The row a command returns: its position and, for an existing row, the decoded entry.</summary>
    private static async Task<(long Position, LoggedBatch? Entry)?> ReadEntryAsync(
        NpgsqlCommand command, string batchId, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var position = reader.GetInt64(0);
        return reader.IsDBNull(2)
            ? (position, null)
            : (position, LoggedBatchCodec.Decode(position, batchId, new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero),
                reader.GetFieldValue<byte[]>(2)));
    }
}
