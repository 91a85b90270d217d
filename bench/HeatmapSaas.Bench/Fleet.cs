using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace HeatmapSaas.Bench;

/// <summary>
/// A fleet (<c>--scenario fleet</c>): 100, 1,000 and 10,000 stores posting 20-event batches through 32 gateway
/// connections, against the embedded product, the product in PostgreSQL mode (durable: fsync and synchronous commit
/// on) and the service a team would write instead (<see cref="FleetBaseline"/>: one transaction per batch) on the
/// same server settings. Per step: batches/s, failed batches, p50/p99 of the 202, the most PostgreSQL connections
/// seen (pg_stat_activity), commits/s (pg_stat_database) and grain-state writes/s (the Orleans storage table).
/// </summary>
public static class Fleet
{
    public const string Flag = "fleet";
    public const string Embedded = "embedded";
    public const string Durable = "durable";
    public const string Baseline = "baseline";

    /// <summary>Durable server: PostgreSQL's own durability defaults (fsync, synchronous_commit, full_page_writes on).</summary>
    private static readonly string[] ServerSettings =
    [
        "shared_buffers=512MB", "max_wal_size=8GB", "checkpoint_timeout=30min", "jit=off", "max_connections=200",
    ];

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    public static bool Selected(string[] args) =>
        args.SkipWhile(a => a != "--scenario").Skip(1).FirstOrDefault() == Flag;

    public const string Usage = """
        usage: bench/run.sh --scenario fleet [--scale 100,1000,10000] [--seconds 20] [--long-seconds 60]
                            [--connections 32] [--only embedded,durable,baseline] [--windows MS,MS,...] [--out PATH]
          --scale         store counts, one step each (default 100,1000,10000)
          --seconds       measured seconds per step (default 20), after a 5 s warm-up
          --long-seconds  measured seconds of the durable step at the largest scale (default 60)
          --connections   gateway HTTP connections (default 32)
          --only          setups to run (default all three)
          --windows       instead: the durable product at the first scale once per group-commit window (ms), to pick it
          --out           results file (default bench/results/fleet.json)
        """;

    public sealed record Step(
        string Setup, int Stores, string? Window, double Seconds, long Batches, long Failed, double BatchesPerSecond, double P50Ms,
        double P99Ms, long? MaxConnections, double? CommitsPerSecond, double? StateWritesPerSecond, string? FirstFailure);

    private sealed record Options(
        int[] Scale, int Seconds, int LongSeconds, int Connections, string[] Only, string[]? Windows, string Output);

    private static Options Parse(string[] args)
    {
        var options = new Options([100, 1_000, 10_000], 20, 60, 32, [Embedded, Durable, Baseline], null, "bench/results/fleet.json");
        var line = new CommandLine(args);
        while (line.NextFlag())
        {
            options = line.Flag switch
            {
                "--scenario" => line.Value() == Flag ? options : throw line.Unknown(),
                "--scale" => options with { Scale = line.Value().Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() },
                "--seconds" => options with { Seconds = line.PositiveInt() },
                "--long-seconds" => options with { LongSeconds = line.PositiveInt() },
                "--connections" => options with { Connections = line.PositiveInt() },
                "--only" => options with { Only = line.Value().Split(',') },
                "--windows" => options with { Windows = line.Value().Split(',') },
                "--out" => options with { Output = line.Value() },
                _ => throw line.Unknown(),
            };
        }

        return options;
    }

    public static async Task<int> MainAsync(string[] args)
    {
        if (!CommandLine.TryParse(args, Usage, Parse, out var options, out var exit))
        {
            return exit;
        }

        var (scale, seconds, longSeconds, connections, only, windows, output) = options;
        var results = Console.Out;
        Console.SetOut(Console.Error);
        using var progress = new Progress();
        progress.Start("start PostgreSQL (durable settings)");
        await using var server = PostgresServer.Start(ServerSettings);
        progress.Finish($"PostgreSQL {server.Version}");
        var steps = new List<Step>();
        var load = Cpu.LoadAverage();
        if (windows is not null)
        {
            foreach (var window in windows)
            {
                steps.Add(await ProductStepAsync(server, scale[0], connections, TimeSpan.FromSeconds(seconds), progress, window));
            }
        }
        else
        {
            foreach (var stores in scale)
            {
                var measured = TimeSpan.FromSeconds(stores == scale.Max() ? longSeconds : seconds);
                foreach (var setup in only)
                {
                    steps.Add(setup switch
                    {
                        Embedded => await ProductStepAsync(null, stores, connections, TimeSpan.FromSeconds(seconds), progress, null),
                        Durable => await ProductStepAsync(server, stores, connections, measured, progress, null),
                        Baseline => await BaselineStepAsync(server, stores, connections, TimeSpan.FromSeconds(seconds), progress),
                        _ => throw new ArgumentException($"unknown setup {setup}"),
                    });
                }
            }
        }

        var markdown = Markdown(steps, connections, load);
        await results.WriteAsync(markdown);
        await results.FlushAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new { connections, load_average = load, steps },
            new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        progress.Note($"results written to {output}");
        return 0;
    }

    /// <summary>The product, embedded (no server) or on the durable server, with a fresh tenant of this many stores.</summary>
    private static async Task<Step> ProductStepAsync(PostgresServer? server, int stores, int connections, TimeSpan measured,
        Progress progress, string? window)
    {
        var setup = server is null ? Embedded : Durable;
        var database = $"fleet_{setup}_{stores}_{window?.Replace('.', '_') ?? "default"}";
        var connectionString = server?.BenchConnectionString(database);
        var extra = window is null ? null : new Dictionary<string, string>
        {
            ["Heatmap:Postgres:GroupCommit:Window"] = TimeSpan.FromMilliseconds(double.Parse(window, CultureInfo.InvariantCulture)).ToString("c"),
        };
        progress.Start($"{setup}, {stores:N0} stores{(window is null ? "" : $", window {window} ms")}: start and create the stores");
        await using var host = await ProductHost.StartAsync(connectionString, extra);
        var (key, paths) = await CreateStoresAsync(host, stores);
        progress.Finish();
        return await MeasureAsync(setup, stores, window, new FleetLoad(host.BaseAddress, key, paths, connections), measured,
            connectionString, progress);
    }

    private static async Task<Step> BaselineStepAsync(PostgresServer server, int stores, int connections, TimeSpan measured, Progress progress)
    {
        var database = $"fleet_baseline_{stores}";
        server.CreateNamedDatabase(database);
        var connectionString = server.BenchConnectionString(database);
        await using var service = await FleetBaseline.StartAsync(connectionString, connections);
        var paths = Enumerable.Range(0, stores).Select(i => $"/v1/locations/store-{i}/events").ToList();
        return await MeasureAsync(Baseline, stores, null, new FleetLoad(service.BaseAddress, null, paths, connections), measured,
            connectionString, progress);
    }

    private static async Task<Step> MeasureAsync(string setup, int stores, string? window, FleetLoad load, TimeSpan measured,
        string? connectionString, Progress progress)
    {
        progress.Start($"{setup}, {stores:N0} stores: warm-up {WarmUp.TotalSeconds:F0} s, then {measured.TotalSeconds:F0} s measured");
        await load.RunAsync(WarmUp, measure: false);
        await using var stats = connectionString is null ? null : await ServerStats.OpenAsync(connectionString);
        var before = stats is null ? default : await stats.ReadAsync();
        using var stop = new CancellationTokenSource();
        var watching = stats?.WatchConnectionsAsync(stop.Token) ?? Task.FromResult(0L);
        var traffic = await load.RunAsync(measured, measure: true);
        await stop.CancelAsync();
        var most = await watching;
        // Backends report their counters at most once a second: let the last second's arrive.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var after = stats is null ? default : await stats.ReadAsync();
        progress.Finish($"{traffic.PerSecond:N0} batches/s, {traffic.Failed} failed, p99 {traffic.P99Ms:F1} ms");
        return new Step(setup, stores, window, traffic.Seconds, traffic.Accepted, traffic.Failed, traffic.PerSecond, traffic.P50Ms, traffic.P99Ms,
            stats is null ? null : most,
            stats is null ? null : (after.Commits - before.Commits) / traffic.Seconds,
            stats is null || setup == Baseline ? null : (after.StateWrites - before.StateWrites) / traffic.Seconds,
            traffic.FirstFailure);
    }

    /// <summary>A fresh enterprise tenant and its stores (no heatmaps: the fleet measures ingest), sixteen at a time.</summary>
    private static async Task<(string Key, List<string> Paths)> CreateStoresAsync(ProductHost host, int stores)
    {
        using var admin = host.Client(ProductHost.AdminKey);
        using var created = await admin.PostAsJsonAsync("/v1/tenants", new { name = "Fleet", plan = "enterprise", timezone = "UTC" });
        created.EnsureSuccessStatusCode();
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("api_key").GetString()!;
        using var http = host.Client(key);
        var paths = new string[stores];
        await Parallel.ForEachAsync(Enumerable.Range(0, stores), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            using var response = await http.PostAsJsonAsync("/v1/locations", new
            {
                name = $"Store {i}",
                slug = $"store-{i}",
                timezone = "UTC",
                floor_plan = new { width = 40, height = 30 },
            });
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"creating store {i} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            var slug = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;
            paths[i] = $"/v1/locations/{slug}/events";
        });
        return (key, paths.ToList());
    }

    private static string Markdown(List<Step> steps, int connections, string load)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"## Fleet: 20-event batches from {connections} gateway connections (HTTP, loopback); load average {load} at start");
        md.AppendLine();
        md.AppendLine("| stores | setup | group-commit window | batches/s | failed | 202 p50 / p99 | PostgreSQL connections (most) | commits/s | state writes/s |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in steps)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Stores:N0} | {s.Setup} | {(s.Setup == Durable ? s.Window ?? "default" : "")} | {s.BatchesPerSecond:N0} | {s.Failed:N0} | " +
                $"{s.P50Ms:F1} / {s.P99Ms:F1} ms | {s.MaxConnections?.ToString(CultureInfo.InvariantCulture) ?? "—"} | " +
                $"{(s.CommitsPerSecond is { } c ? c.ToString("N0", CultureInfo.InvariantCulture) : "—")} | " +
                $"{(s.StateWritesPerSecond is { } w ? w.ToString("N0", CultureInfo.InvariantCulture) : "—")} |");
        }

        md.AppendLine();
        foreach (var group in steps.GroupBy(s => s.Stores))
        {
            var durable = group.FirstOrDefault(s => s.Setup == Durable && s.Window is null);
            var baseline = group.FirstOrDefault(s => s.Setup == Baseline);
            var embedded = group.FirstOrDefault(s => s.Setup == Embedded);
            if (durable is not null && baseline is not null)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"- {group.Key:N0} stores: durable product / per-batch-transaction service = {durable.BatchesPerSecond / baseline.BatchesPerSecond:F2}×");
            }

            if (embedded is not null && durable is not null)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"- {group.Key:N0} stores: embedded / durable = {embedded.BatchesPerSecond / durable.BatchesPerSecond:F2}×");
            }
        }

        foreach (var failed in steps.Where(s => s.FirstFailure is not null))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- first failure, {failed.Setup} at {failed.Stores:N0} stores: {failed.FirstFailure}");
        }

        return md.ToString();
    }

    /// <summary>The server's view of one database: connections to it, its commits, and writes to Orleans' state table.</summary>
    private sealed class ServerStats : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly string _database;

        private ServerStats(NpgsqlConnection connection, string database)
        {
            _connection = connection;
            _database = database;
        }

        public static async Task<ServerStats> OpenAsync(string connectionString)
        {
            var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            return new ServerStats(connection, connection.Database);
        }

        public async Task<(long Commits, long StateWrites)> ReadAsync()
        {
            await using var command = new NpgsqlCommand("""
                SELECT pg_stat_clear_snapshot();
                SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = @db),
                       coalesce((SELECT n_tup_ins + n_tup_upd FROM pg_stat_user_tables WHERE relname = 'orleans_grain_state'), 0)
                """, _connection);
            command.Parameters.AddWithValue("db", _database);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.NextResultAsync();
            await reader.ReadAsync();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }

        /// <summary>The most connections to the database seen at once (this one excluded), sampled until stopped.</summary>
        public async Task<long> WatchConnectionsAsync(CancellationToken stop)
        {
            long most = 0;
            while (!stop.IsCancellationRequested)
            {
                await using var command = new NpgsqlCommand(
                    "SELECT count(*) - 1 FROM pg_stat_activity WHERE datname = @db", _connection);
                command.Parameters.AddWithValue("db", _database);
                most = Math.Max(most, (long)(await command.ExecuteScalarAsync(CancellationToken.None))!);
                try
                {
                    await Task.Delay(200, stop);
                }
                catch (OperationCanceledException)
                {
                }
            }

            return most;
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }
}
