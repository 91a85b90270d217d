using HeatmapSaas.Grains.Footfall;
using Npgsql;
using NpgsqlTypes;

namespace HeatmapSaas.Grains.Locations.History;

/// <summary>
/// PostgreSQL mode's history (table <c>heatmap_history</c>, see <c>004_ingest_log_and_history.sql</c>): a row per
/// closed bucket and generation, the bucket in the ledger's compact binary format. A generation is written in one
/// transaction with one statement for all its buckets; a range is read with one indexed query.
/// </summary>
public sealed class PostgresHistoryStore(NpgsqlDataSource database) : IHistoryStore
{
    private const string DeleteGenerationSql = "DELETE FROM heatmap_history WHERE location_id = @location AND generation = @generation";

    private const string InsertSql = """
        INSERT INTO heatmap_history (location_id, bucket, generation, data)
        SELECT @location, b.bucket, @generation, b.data FROM unnest(@buckets, @data) AS b(bucket, data)
        """;

    private const string ReadSql = """
        SELECT data FROM heatmap_history
        WHERE location_id = @location AND bucket >= @from AND bucket < @to AND generation <= @generation
        ORDER BY bucket, generation
        """;

    // The counts lead the encoding and take at most 8 + 6 × 10 + 16 bytes: only that prefix leaves the server.
    private const string ReadCountsSql = """
        SELECT substring(data FROM 1 FOR 84) FROM heatmap_history
        WHERE location_id = @location AND bucket >= @from AND bucket < @to AND generation <= @generation
        """;

    public async Task AddAsync(string locationId, long generation, IReadOnlyList<Bucket> closed, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var delete = new NpgsqlCommand(DeleteGenerationSql, connection, transaction))
        {
            delete.Parameters.AddWithValue("location", locationId);
            delete.Parameters.AddWithValue("generation", generation);
            await delete.ExecuteNonQueryAsync(ct);
        }

        await using (var insert = new NpgsqlCommand(InsertSql, connection, transaction))
        {
            insert.Parameters.AddWithValue("location", locationId);
            insert.Parameters.AddWithValue("generation", generation);
            insert.Parameters.AddWithValue("buckets", NpgsqlDbType.Array | NpgsqlDbType.Bigint, closed.Select(b => b.Time.Index).ToArray());
            insert.Parameters.AddWithValue("data", NpgsqlDbType.Array | NpgsqlDbType.Bytea, closed.Select(b => b.Encode()).ToArray());
            await insert.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<HistoricBucket>> ReadAsync(string locationId, TimeBucket from, TimeBucket to, long throughGeneration,
        CancellationToken ct = default)
    {
        await using var command = Read(ReadSql, locationId, from, to, throughGeneration);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var parts = new List<HistoricBucket>();
        while (await reader.ReadAsync(ct))
        {
            parts.Add(HistoricBucket.Of(Bucket.Decode(reader.GetFieldValue<byte[]>(0))));
        }

        return HistoricBucket.Sum(parts);
    }

    public async Task<IReadOnlyDictionary<long, BucketCounts>> ReadCountsAsync(string locationId, TimeBucket from, TimeBucket to,
        long throughGeneration, CancellationToken ct = default)
    {
        await using var command = Read(ReadCountsSql, locationId, from, to, throughGeneration);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var parts = new List<(TimeBucket, BucketCounts)>();
        while (await reader.ReadAsync(ct))
        {
            parts.Add(Bucket.DecodeCounts(reader.GetFieldValue<byte[]>(0)));
        }

        return HistoricBucket.SumCounts(parts);
    }

    private NpgsqlCommand Read(string sql, string locationId, TimeBucket from, TimeBucket to, long throughGeneration)
    {
        var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("location", locationId);
        command.Parameters.AddWithValue("from", from.Index);
        command.Parameters.AddWithValue("to", to.Index);
        command.Parameters.AddWithValue("generation", throughGeneration);
        return command;
    }
}
