using HeatmapSaas.Api.Locations.Ingest;
using HeatmapSaas.Locations;
using Npgsql;
using NpgsqlTypes;

namespace HeatmapSaas.Bench;

/// <summary>
/// What a team would build instead: a service that parses each gateway batch (with the same parser the product
/// uses, so both sides pay the same parse) and appends the events as rows to an indexed PostgreSQL table with binary
/// COPY, then answers the same questions with GROUP BY.
/// </summary>
public sealed class PostgresBaseline(NpgsqlDataSource dataSource, Workload workload)
{
    public const string Schema = """
        DROP TABLE IF EXISTS events;
        CREATE TABLE events (
            location_id text             NOT NULL,
            track_id    text,
            ts          timestamptz      NOT NULL,
            kind        smallint         NOT NULL, -- 0 position, 1 interaction, 2 track_end, 3 conversion
            x           double precision,
            y           double precision,
            value       double precision
        );
        CREATE INDEX events_location_ts ON events (location_id, ts);
        """;

    public NpgsqlDataSource DataSource => dataSource;

    private const string Copy = "COPY events (location_id, track_id, ts, kind, x, y, value) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// Visitors per local hour of a day: a track is one track_id's position and interaction events; it counts in the
    /// hour of its first_seen. Tracks are looked up from 12 hours before the day, so a visit that began the evening
    /// before is not mistaken for one that began after midnight.
    /// </summary>
    public const string VisitorsPerHourSql = """
        SELECT extract(hour FROM first_seen AT TIME ZONE @tz)::int AS hr, count(*) AS visitors
        FROM (
            SELECT min(ts) AS first_seen
            FROM events
            WHERE location_id = @loc AND kind IN (0, 1) AND ts >= @from - interval '12 hours' AND ts < @to
            GROUP BY track_id
        ) tracks
        WHERE first_seen >= @from AND first_seen < @to
        GROUP BY 1
        ORDER BY 1
        """;

    /// <summary>The customer-flow heatmap: position samples per local hour and cell of the heatmap's size.</summary>
    public const string HeatmapPerHourSql = """
        SELECT date_trunc('hour', ts AT TIME ZONE @tz) AS hour,
               floor(x / @cell)::int AS cx, floor(y / @cell)::int AS cy, count(*) AS samples
        FROM events
        WHERE location_id = @loc AND kind = 0 AND ts >= @from AND ts < @to
        GROUP BY 1, 2, 3
        ORDER BY 1, 3, 2
        """;

    public async Task CreateSchemaAsync()
    {
        await using var command = dataSource.CreateCommand(Schema);
        await command.ExecuteNonQueryAsync();
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Every store's batches over its own connection, all stores at once. <paramref name="perBatch"/>: one COPY
    /// per gateway batch (a service writing each request as it comes); otherwise one COPY streaming all of a store's
    /// batches (the best case for PostgreSQL). Returns the number of rows written.
    /// </summary>
    public async Task<long> LoadAsync(bool perBatch, string locationSuffix, Progress progress, double? eventsPerSecond = null)
    {
        var rows = await Task.WhenAll(workload.Locations.Select(location => Task.Factory.StartNew(() =>
        {
            using var connection = dataSource.OpenConnection();
            var locationId = location.Slug + locationSuffix;
            long written = 0;
            var pacer = new Pacer(eventsPerSecond / workload.Locations.Length);
            if (perBatch)
            {
                foreach (var body in location.Bodies)
                {
                    pacer.Wait(written);
                    using var importer = connection.BeginBinaryImport(Copy);
                    var n = WriteRows(importer, SensorBatchParser.ParseJson(body), locationId);
                    importer.Complete();
                    written += n;
                    progress.Add(n);
                }
            }
            else
            {
                using var importer = connection.BeginBinaryImport(Copy);
                foreach (var body in location.Bodies)
                {
                    var n = WriteRows(importer, SensorBatchParser.ParseJson(body), locationId);
                    written += n;
                    progress.Add(n);
                }

                importer.Complete();
            }

            return written;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
        return rows.Sum();
    }

    private static int WriteRows(NpgsqlBinaryImporter importer, SensorBatch batch, string locationId)
    {
        foreach (var r in batch.Readings)
        {
            importer.StartRow();
            importer.Write(locationId, NpgsqlDbType.Text);
            if (r.TrackId is null)
            {
                importer.WriteNull();
            }
            else
            {
                importer.Write(r.TrackId, NpgsqlDbType.Text);
            }

            importer.Write(DateTime.UnixEpoch.AddTicks(r.TsMillis * TimeSpan.TicksPerMillisecond), NpgsqlDbType.TimestampTz);
            importer.Write((short)r.Kind, NpgsqlDbType.Smallint);
            if (r.Kind is ReadingKind.Position or ReadingKind.Interaction)
            {
                importer.Write(r.X, NpgsqlDbType.Double);
                importer.Write(r.Y, NpgsqlDbType.Double);
            }
            else
            {
                importer.WriteNull();
                importer.WriteNull();
            }

            if (r.Kind == ReadingKind.Conversion)
            {
                importer.Write(r.Value, NpgsqlDbType.Double);
            }
            else
            {
                importer.WriteNull();
            }
        }

        return batch.Readings.Length;
    }
}

/// <summary>One connection asking the two questions with prepared statements, reading every row.</summary>
public sealed class PostgresQueries : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _visitors;
    private readonly NpgsqlCommand _heatmap;

    private PostgresQueries(NpgsqlConnection connection, NpgsqlCommand visitors, NpgsqlCommand heatmap)
    {
        _connection = connection;
        _visitors = visitors;
        _heatmap = heatmap;
    }

    public static async Task<PostgresQueries> OpenAsync(NpgsqlDataSource dataSource, Workload workload)
    {
        var connection = await dataSource.OpenConnectionAsync();
        NpgsqlCommand Command(string sql, (DateTimeOffset From, DateTimeOffset To) range)
        {
            var (from, to) = range;
            var command = new NpgsqlCommand(sql, connection);
            command.Parameters.Add(new NpgsqlParameter("loc", NpgsqlDbType.Text) { Value = "" });
            command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = from.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.TimestampTz) { Value = to.UtcDateTime });
            command.Parameters.Add(new NpgsqlParameter("tz", NpgsqlDbType.Text) { Value = workload.TimeZone });
            if (sql.Contains("@cell", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter("cell", NpgsqlDbType.Double) { Value = (double)workload.HeatmapCellSize });
            }

            return command;
        }

        var visitors = Command(PostgresBaseline.VisitorsPerHourSql, workload.QueryDay());
        var heatmap = Command(PostgresBaseline.HeatmapPerHourSql, workload.HeatmapRange());
        await visitors.PrepareAsync();
        await heatmap.PrepareAsync();
        return new PostgresQueries(connection, visitors, heatmap);
    }

    public async Task<SortedDictionary<int, long>> VisitorsPerHourAsync(string locationId)
    {
        _visitors.Parameters["loc"].Value = locationId;
        var hours = new SortedDictionary<int, long>();
        await using var reader = await _visitors.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            hours[reader.GetInt32(0)] = reader.GetInt64(1);
        }

        return hours;
    }

    public async Task<(int Points, long Total)> HeatmapPerHourAsync(string locationId)
    {
        _heatmap.Parameters["loc"].Value = locationId;
        var points = 0;
        var total = 0L;
        await using var reader = await _heatmap.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            _ = reader.GetDateTime(0);
            _ = reader.GetInt32(1);
            _ = reader.GetInt32(2);
            total += reader.GetInt64(3);
            points++;
        }

        return (points, total);
    }

    public async ValueTask DisposeAsync()
    {
        await _visitors.DisposeAsync();
        await _heatmap.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
