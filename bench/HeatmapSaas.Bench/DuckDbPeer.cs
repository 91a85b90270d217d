using DuckDB.NET.Data;
using HeatmapSaas.Api.Locations.Ingest;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Bench;

/// <summary>
/// The service a .NET engineer would write with an embedded columnar engine: each gateway batch parsed (with the
/// product's parser, so both pay the same parse) and appended to a DuckDB table in process memory with DuckDB's
/// appender, one appender (one commit) per batch, a connection per store; the two questions in SQL over that table.
/// In memory, like the embedded product.
/// </summary>
public sealed class DuckDbPeer(Workload workload) : IDisposable
{
    // Every connection opened with this string shares one in-memory database.
    private const string ConnectionString = "Data Source=:memory:?cache=shared";

    private const string Schema = """
        SET TimeZone = 'UTC';
        DROP TABLE IF EXISTS events;
        CREATE TABLE events (
            location_id VARCHAR   NOT NULL,
            track_id    VARCHAR,
            ts          TIMESTAMP NOT NULL, -- UTC
            kind        SMALLINT  NOT NULL, -- 0 position, 1 interaction, 2 track_end, 3 conversion
            x           DOUBLE,
            y           DOUBLE,
            value       DOUBLE);
        """;

    /// <summary>Visitors per local hour: as PostgreSQL's (a track counts in the hour of its first position or interaction).</summary>
    private const string VisitorsPerHourSql = """
        SELECT CAST(extract(hour FROM timezone($tz, timezone('UTC', first_seen))) AS INTEGER) AS hr, count(*) AS visitors
        FROM (
            SELECT min(ts) AS first_seen
            FROM events
            WHERE location_id = $loc AND kind IN (0, 1) AND ts >= $from - INTERVAL 12 HOUR AND ts < $to
            GROUP BY track_id
        ) tracks
        WHERE first_seen >= $from AND first_seen < $to
        GROUP BY 1
        ORDER BY 1
        """;

    private const string HeatmapPerHourSql = """
        SELECT date_trunc('hour', timezone($tz, timezone('UTC', ts))) AS hour,
               CAST(floor(x / $cell) AS INTEGER) AS cx, CAST(floor(y / $cell) AS INTEGER) AS cy, count(*) AS samples
        FROM events
        WHERE location_id = $loc AND kind = 0 AND ts >= $from AND ts < $to
        GROUP BY 1, 2, 3
        ORDER BY 1, 3, 2
        """;

    // Held open so the shared in-memory database lives as long as the peer.
    private readonly DuckDBConnection _keeper = Open();

    public void Reset() => Execute(_keeper, Schema);

    /// <summary>Every store's batches over its own connection, all stores at once, one appender per batch.</summary>
    public async Task<long> LoadAsync(Progress progress)
    {
        var rows = await Task.WhenAll(workload.Locations.Select(location => Task.Factory.StartNew(() =>
        {
            using var connection = Open();
            long written = 0;
            foreach (var body in location.Bodies)
            {
                var batch = SensorBatchParser.ParseJson(body);
                using (var appender = connection.CreateAppender("events"))
                {
                    foreach (var r in batch.Readings)
                    {
                        var row = appender.CreateRow().AppendValue(location.Slug).AppendValue(r.TrackId)
                            .AppendValue(DateTime.UnixEpoch.AddTicks(r.TsMillis * TimeSpan.TicksPerMillisecond)).AppendValue((short)r.Kind);
                        row = r.Kind is ReadingKind.Position or ReadingKind.Interaction
                            ? row.AppendValue(r.X).AppendValue(r.Y)
                            : row.AppendNullValue().AppendNullValue();
                        (r.Kind == ReadingKind.Conversion ? row.AppendValue(r.Value) : row.AppendNullValue()).EndRow();
                    }
                }

                written += batch.Readings.Length;
                progress.Add(batch.Readings.Length);
            }

            return written;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
        return rows.Sum();
    }

    /// <summary>One connection asking the two questions with prepared statements, reading every row.</summary>
    public Queries OpenQueries() => new(Open(), workload);

    private static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection(ConnectionString);
        connection.Open();
        Execute(connection, "SET TimeZone = 'UTC'");
        return connection;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _keeper.Dispose();

    public sealed class Queries : IDisposable
    {
        private readonly DuckDBConnection _connection;
        private readonly DuckDBCommand _visitors;
        private readonly DuckDBCommand _heatmap;

        internal Queries(DuckDBConnection connection, Workload workload)
        {
            _connection = connection;
            DuckDBCommand Command(string sql, (DateTimeOffset From, DateTimeOffset To) range)
            {
                var command = connection.CreateCommand();
                command.CommandText = sql;
                command.Parameters.Add(new DuckDBParameter("loc", ""));
                command.Parameters.Add(new DuckDBParameter("from", range.From.UtcDateTime));
                command.Parameters.Add(new DuckDBParameter("to", range.To.UtcDateTime));
                command.Parameters.Add(new DuckDBParameter("tz", workload.TimeZone));
                if (sql.Contains("$cell", StringComparison.Ordinal))
                {
                    command.Parameters.Add(new DuckDBParameter("cell", (double)workload.HeatmapCellSize));
                }

                command.Prepare();
                return command;
            }

            _visitors = Command(VisitorsPerHourSql, workload.QueryDay());
            _heatmap = Command(HeatmapPerHourSql, workload.HeatmapRange());
        }

        public Task<SortedDictionary<int, long>> VisitorsPerHourAsync(string locationId)
        {
            _visitors.Parameters[0].Value = locationId;
            var hours = new SortedDictionary<int, long>();
            using var reader = _visitors.ExecuteReader();
            while (reader.Read())
            {
                hours[reader.GetInt32(0)] = reader.GetInt64(1);
            }

            return Task.FromResult(hours);
        }

        public Task<(int Points, long Total)> HeatmapPerHourAsync(string locationId)
        {
            _heatmap.Parameters[0].Value = locationId;
            var points = 0;
            var total = 0L;
            using var reader = _heatmap.ExecuteReader();
            while (reader.Read())
            {
                _ = reader.GetDateTime(0);
                _ = reader.GetInt32(1);
                _ = reader.GetInt32(2);
                total += reader.GetInt64(3);
                points++;
            }

            return Task.FromResult((points, total));
        }

        public void Dispose()
        {
            _visitors.Dispose();
            _heatmap.Dispose();
            _connection.Dispose();
        }
    }
}
