using Npgsql;
using NpgsqlTypes;

namespace HeatmapSaas.Grains.Locations.Log;

/// <summary>
/// PostgreSQL mode's log (table <c>heatmap_ingest_log</c>, see <c>004_ingest_log_and_history.sql</c>): appends from
/// all the silo's locations are group-committed, so when one returns the batch survives any crash; a conflicting
/// batch id returns the row already there. Shared by every silo through the database, so a location that moves finds
/// its log.
/// </summary>
public sealed class PostgresIngestLog(NpgsqlDataSource database, GroupCommitOptions? groupCommit = null) : IIngestLog, IAsyncDisposable
{
    private readonly GroupCommitWriter _writer = new(database, groupCommit ?? new GroupCommitOptions());

    /// <summary>Rows the cleaner deletes per statement, so no single delete holds locks for long.</summary>
    public const int CleanerBatchSize = 1_000;

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

    /// <summary>Joins the silo's next group commit (<see cref="GroupCommitWriter"/>); returns once it committed.</summary>
    public Task<LogAppend> AppendAsync(string locationId, LoggedBatch batch, CancellationToken ct = default) =>
        _writer.AppendAsync(locationId, batch);

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

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
