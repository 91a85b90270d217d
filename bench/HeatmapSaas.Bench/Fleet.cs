using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace HeatmapSaas.Bench;

/// <summary>
/// A fleet (<c>--scenario fleet</c>): 100, 1,000 and 10,000 stores posting 20-event batches through 32 gateway
/// connections, against the embedded product, the product in PostgreSQL mode (durable: fsync and synchronous commit
/// on) and the service a team would write instead (<see cref="FleetBaseline"/>: one transaction per batch) on the
/// same server settings. Each server runs in a child process; the gateways are <c>wrk</c> (another process, the
/// default) or HttpClients in this process (<c>--driver http</c>). Per step: batches/s, failed batches, p50/p99 of the 202, the most PostgreSQL connections
/// seen (pg_stat_activity), commits/s (pg_stat_database), grain-state writes/s (the Orleans storage table), and the CPU
/// time per batch of the server's process and of PostgreSQL. The HTTP floor (<see cref="NoOpServer"/> in a child, the
/// same wrk gateways) is what the transport alone allows on this machine.
/// </summary>
public static class Fleet
{
    public const string Flag = "fleet";
    public const string Embedded = "embedded";
    public const string Durable = "durable";
    public const string Baseline = "baseline";
    public const string Floor = "floor";
    public const string WrkDriver = "wrk";
    public const string HttpDriver = "http";

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
                            [--connections 32] [--reps 1] [--only embedded,durable,baseline,floor] [--windows MS,MS,...]
                            [--driver wrk|http] [--setting KEY=VALUE ...] [--out PATH]
          --scale         store counts, one step each (default 100,1000,10000)
          --seconds       measured seconds per step (default 20), after a 5 s warm-up
          --long-seconds  measured seconds of the durable step at the largest scale (default 60)
          --connections   gateway HTTP connections (default 32)
          --reps          runs of each setup at each scale, setups taking turns (default 1); the table shows medians
          --only          setups to run (default all four; floor: a bare Kestrel endpoint that reads the body and answers 202)
          --windows       instead: the durable product at the first scale once per group-commit window (ms), to pick it
          --driver        wrk (default: the gateways are wrk, a process of its own; bench/run.sh installs it) or http
                          (HttpClients in the bench process, as before; they take CPU the servers would have had)
          --setting       a product setting for both product setups, e.g. --setting Heatmap:Postgres:MaxConnections=10
          --out           results file (default bench/results/fleet.json)
        """;

    public sealed record Step(
        string Setup, int Stores, string? Window, double Seconds, long Batches, long Failed, double BatchesPerSecond, double P50Ms,
        double P99Ms, long? MaxConnections, double? CommitsPerSecond, double? StateWritesPerSecond, string? FirstFailure,
        double ServerCpuUsPerBatch, double? PostgresCpuUsPerBatch)
    {
        public int Rep { get; init; }
    }

    private sealed record Options(
        int[] Scale, int Seconds, int LongSeconds, int Connections, int Reps, string[] Only, string[]? Windows, string Driver,
        Dictionary<string, string> Settings, string Output);

    private static Options Parse(string[] args)
    {
        var options = new Options([100, 1_000, 10_000], 20, 60, 32, 1, [Embedded, Durable, Baseline, Floor], null, WrkDriver, [], "bench/results/fleet.json");
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
                "--reps" => options with { Reps = line.PositiveInt() },
                "--only" => options with { Only = line.Value().Split(',') },
                "--windows" => options with { Windows = line.Value().Split(',') },
                "--driver" => options with { Driver = line.Value() is var d && d is WrkDriver or HttpDriver ? d : throw line.Unknown() },
                "--setting" => options with { Settings = WithSetting(options.Settings, line.Value()) },
                "--out" => options with { Output = line.Value() },
                _ => throw line.Unknown(),
            };
        }

        return options;
    }

    private static Dictionary<string, string> WithSetting(Dictionary<string, string> settings, string keyValue) =>
        keyValue.Split('=', 2) is [var key, var value]
            ? new Dictionary<string, string>(settings) { [key] = value }
            : throw new ArgumentException($"--setting needs KEY=VALUE, not {keyValue}");

    public static async Task<int> MainAsync(string[] args)
    {
        if (!CommandLine.TryParse(args, Usage, Parse, out var options, out var exit))
        {
            return exit;
        }

        var results = Console.Out;
        Console.SetOut(Console.Error);
        using var progress = new Progress();
        progress.Start("start PostgreSQL (durable settings)");
        await using var server = PostgresServer.Start(ServerSettings);
        progress.Finish($"PostgreSQL {server.Version}");
        var steps = new List<Step>();
        var load = Cpu.LoadAverage();
        var run = new Run(server, options, progress);
        if (options.Windows is { } windows)
        {
            foreach (var window in windows)
            {
                steps.Add(await run.ProductStepAsync(Durable, options.Scale[0], TimeSpan.FromSeconds(options.Seconds), window));
            }
        }
        else
        {
            foreach (var stores in options.Scale)
            {
                var measured = TimeSpan.FromSeconds(stores == options.Scale.Max() ? options.LongSeconds : options.Seconds);
                for (var rep = 0; rep < options.Reps; rep++)
                {
                    // Setups take turns, a different one first each rep, so a busy minute does not fall on one only.
                    foreach (var setup in options.Only.Skip(rep % options.Only.Length).Concat(options.Only.Take(rep % options.Only.Length)))
                    {
                        steps.Add(setup switch
                        {
                            Embedded => await run.ProductStepAsync(Embedded, stores, TimeSpan.FromSeconds(options.Seconds), null),
                            Durable => await run.ProductStepAsync(Durable, stores, measured, null),
                            Baseline => await run.BaselineStepAsync(stores, TimeSpan.FromSeconds(options.Seconds)),
                            Floor => await run.FloorStepAsync(stores, TimeSpan.FromSeconds(options.Seconds)),
                            _ => throw new ArgumentException($"unknown setup {setup}"),
                        } with { Rep = rep });
                    }
                }
            }
        }

        var markdown = Markdown(steps, options, load);
        await results.WriteAsync(markdown);
        await results.FlushAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
        await File.WriteAllTextAsync(options.Output, JsonSerializer.Serialize(
            new { options.Connections, options.Driver, options.Settings, load_average = load, load_average_end = Cpu.LoadAverage(), steps },
            new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        progress.Note($"results written to {options.Output}");
        return 0;
    }

    /// <summary>One invocation's servers and gateways: each step starts its server in a child process and drives it.</summary>
    private sealed class Run(PostgresServer server, Options options, Progress progress)
    {
        private int _databases;

        /// <summary>The product, embedded or on the durable server, with a fresh tenant of this many stores.</summary>
        public async Task<Step> ProductStepAsync(string setup, int stores, TimeSpan measured, string? window)
        {
            var database = $"fleet_{setup}_{stores}_{Interlocked.Increment(ref _databases)}";
            var connectionString = setup == Durable ? server.BenchConnectionString(database) : null;
            var extra = new Dictionary<string, string>(options.Settings);
            if (window is not null)
            {
                extra["Heatmap:Postgres:GroupCommit:Window"] = TimeSpan.FromMilliseconds(double.Parse(window, CultureInfo.InvariantCulture)).ToString("c");
            }

            progress.Start($"{setup}, {stores:N0} stores{(window is null ? "" : $", window {window} ms")}: start and create the stores");
            await using var product = await ProductProcess.StartProductAsync(connectionString, extra);
            var (key, paths) = await CreateStoresAsync(product.BaseAddress, stores);
            progress.Finish();
            return await MeasureAsync(setup, stores, window, Load(product.BaseAddress, key, paths), measured, product, Database(connectionString));
        }

        public async Task<Step> BaselineStepAsync(int stores, TimeSpan measured)
        {
            var database = $"fleet_baseline_{stores}_{Interlocked.Increment(ref _databases)}";
            server.CreateNamedDatabase(database);
            var connectionString = server.BenchConnectionString(database);
            await using var service = await ProductProcess.StartAsync(
                [FleetBaseline.ServeFlag, connectionString, options.Connections.ToString(CultureInfo.InvariantCulture)]);
            var paths = Enumerable.Range(0, stores).Select(StorePath).ToList();
            return await MeasureAsync(Baseline, stores, null, Load(service.BaseAddress, null, paths), measured, service, Database(connectionString));
        }

        /// <summary>The transport alone: the same requests to an endpoint that reads the body and answers 202.</summary>
        public async Task<Step> FloorStepAsync(int stores, TimeSpan measured)
        {
            await using var floor = await ProductProcess.StartAsync([NoOpServer.ServeFlag]);
            var paths = Enumerable.Range(0, stores).Select(StorePath).ToList();
            return await MeasureAsync(Floor, stores, null, Load(floor.BaseAddress, null, paths), measured, floor, null);
        }

        private (string ConnectionString, int Postmaster)? Database(string? connectionString) =>
            connectionString is null ? null : (connectionString, server.PostmasterPid);

        private Task<Step> MeasureAsync(string setup, int stores, string? window, IFleetLoad load, TimeSpan measured,
            ProductProcess serving, (string ConnectionString, int Postmaster)? database) =>
            Fleet.MeasureAsync(setup, stores, window, load, measured, serving, database, progress);

        private IFleetLoad Load(Uri address, string? key, List<string> paths) => options.Driver == WrkDriver
            ? new WrkLoad(address, key, StorePathPrefix, paths.Count, options.Connections)
            : new FleetLoad(address, key, paths, options.Connections);
    }

    private const string StorePathPrefix = "/v1/locations/store-";

    private static string StorePath(int store) => $"{StorePathPrefix}{store}/events";

    private static async Task<Step> MeasureAsync(string setup, int stores, string? window, IFleetLoad load, TimeSpan measured,
        ProductProcess serving, (string ConnectionString, int Postmaster)? database, Progress progress)
    {
        var connectionString = database?.ConnectionString;
        progress.Start($"{setup}, {stores:N0} stores: warm-up {WarmUp.TotalSeconds:F0} s, then {measured.TotalSeconds:F0} s measured");
        await load.RunAsync(WarmUp, measure: false);
        await using var stats = connectionString is null ? null : await ServerStats.OpenAsync(connectionString);
        var before = stats is null ? default : await stats.ReadAsync();
        using var stop = new CancellationTokenSource();
        var watching = stats?.WatchConnectionsAsync(stop.Token) ?? Task.FromResult(0L);
        var (serverCpu, postgresCpu) = (serving.CpuSeconds(), database is { } d ? Cpu.TreeSeconds(d.Postmaster) : 0);
        var traffic = await load.RunAsync(measured, measure: true);
        serverCpu = serving.CpuSeconds() - serverCpu;
        postgresCpu = database is { } e ? Cpu.TreeSeconds(e.Postmaster) - postgresCpu : 0;
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
            traffic.FirstFailure,
            PerBatchUs(serverCpu, traffic.Accepted), database is null ? null : PerBatchUs(postgresCpu, traffic.Accepted));
    }

    private static double PerBatchUs(double cpuSeconds, long batches) => batches == 0 ? 0 : cpuSeconds * 1e6 / batches;

    /// <summary>A fresh enterprise tenant and its stores (no heatmaps: the fleet measures ingest), sixteen at a time.</summary>
    private static async Task<(string Key, List<string> Paths)> CreateStoresAsync(Uri product, int stores)
    {
        using var admin = Client(product, ProductHost.AdminKey);
        using var created = await admin.PostAsJsonAsync("/v1/tenants", new { name = "Fleet", plan = "enterprise", timezone = "UTC" });
        created.EnsureSuccessStatusCode();
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("api_key").GetString()!;
        using var http = Client(product, key);
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
            if (paths[i] != StorePath(i))
            {
                throw new InvalidOperationException($"store {i} got the slug {slug}; wrk's script expects store-{i}");
            }
        });
        return (key, paths.ToList());
    }

    private static HttpClient Client(Uri product, string key)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = product, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>One row per scale and setup: medians over the reps (every rep's batches/s beside the median).</summary>
    private static string Markdown(List<Step> steps, Options options, string load)
    {
        var md = new StringBuilder();
        var driver = options.Driver == WrkDriver ? "wrk in its own process" : "HttpClients in the bench process";
        md.AppendLine(CultureInfo.InvariantCulture,
            $"## Fleet: 20-event batches from {options.Connections} gateway connections ({driver}, HTTP on loopback; " +
            $"servers in child processes); {options.Reps} rep(s), medians; load average {load} at start");
        md.AppendLine();
        md.AppendLine("| stores | setup | group-commit window | batches/s | failed | 202 p50 / p99 | PostgreSQL connections (most) | commits/s | state writes/s | CPU per batch: server / PostgreSQL |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var g in steps.GroupBy(s => (s.Stores, s.Setup, s.Window)))
        {
            var runs = g.ToList();
            var perSecond = Stats.Median(runs.Select(s => s.BatchesPerSecond));
            var each = runs.Count > 1 ? $" ({string.Join(", ", runs.Select(s => s.BatchesPerSecond.ToString("N0", CultureInfo.InvariantCulture)))})" : "";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {g.Key.Stores:N0} | {g.Key.Setup} | {(g.Key.Setup == Durable ? g.Key.Window ?? "default" : "")} | {perSecond:N0}{each} | " +
                $"{runs.Sum(s => s.Failed):N0} | {Stats.Median(runs.Select(s => s.P50Ms)):F1} / {Stats.Median(runs.Select(s => s.P99Ms)):F1} ms | " +
                $"{(runs[0].MaxConnections is null ? "—" : runs.Max(s => s.MaxConnections!.Value).ToString(CultureInfo.InvariantCulture))} | " +
                $"{MedianOrDash(runs.Select(s => s.CommitsPerSecond))} | {MedianOrDash(runs.Select(s => s.StateWritesPerSecond))} | " +
                $"{Stats.Median(runs.Select(s => s.ServerCpuUsPerBatch)):N0} / {MedianOrDash(runs.Select(s => s.PostgresCpuUsPerBatch))} µs |");
        }

        md.AppendLine();
        foreach (var group in steps.Where(s => s.Window is null).GroupBy(s => s.Stores))
        {
            Ratio(md, group.Key, group.ToList(), Durable, Baseline, "durable product / per-batch-transaction service");
            Ratio(md, group.Key, group.ToList(), Embedded, Durable, "embedded / durable");
            Ratio(md, group.Key, group.ToList(), Embedded, Floor, "embedded / HTTP floor");
        }

        foreach (var failed in steps.Where(s => s.FirstFailure is not null))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- first failure, {failed.Setup} at {failed.Stores:N0} stores: {failed.FirstFailure}");
        }

        return md.ToString();
    }

    /// <summary>The ratio of two setups in each rep (the same minutes of the machine), and their median.</summary>
    private static void Ratio(StringBuilder md, int stores, List<Step> steps, string over, string under, string name)
    {
        var ratios = steps.Where(s => s.Setup == over)
            .Join(steps.Where(s => s.Setup == under), s => s.Rep, s => s.Rep, (a, b) => a.BatchesPerSecond / b.BatchesPerSecond)
            .ToList();
        if (ratios.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"- {stores:N0} stores: {name} = {Stats.Median(ratios):F2}×{(ratios.Count > 1 ? $" (reps: {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))})" : "")}");
        }
    }

    private static string MedianOrDash(IEnumerable<double?> values) =>
        values.OfType<double>().ToList() is { Count: > 0 } known ? Stats.Median(known).ToString("N0", CultureInfo.InvariantCulture) : "—";

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
