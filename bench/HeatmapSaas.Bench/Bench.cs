using System.Diagnostics;
using Npgsql;

namespace HeatmapSaas.Bench;

/// <summary>Both questions' answers for one store, as one system gave them (for the agreement check).</summary>
public sealed record Answers(SortedDictionary<int, long> VisitorsPerHour, int HeatmapPoints, long HeatmapSamples)
{
    public long Visitors => VisitorsPerHour.Values.Sum();

    public bool SameAs(Answers other) =>
        VisitorsPerHour.SequenceEqual(other.VisitorsPerHour) && HeatmapPoints == other.HeatmapPoints && HeatmapSamples == other.HeatmapSamples;
}

public sealed class BenchReport
{
    public required BenchOptions Options { get; init; }
    public required Workload Workload { get; init; }
    public required Dictionary<string, string> Machine { get; init; }
    public List<ThroughputResult> Throughput { get; } = [];
    public List<LatencyResult> Latency { get; } = [];
    public Dictionary<string, Answers> ProductAnswers { get; } = [];
    public Dictionary<string, Answers> PostgresAnswers { get; } = [];
    public Dictionary<string, Answers> DuckDbAnswers { get; } = [];
    public Dictionary<string, string> Settings { get; } = [];
    public Dictionary<string, ThroughputRun> IdleCpu { get; } = [];
    public TimeSpan Elapsed { get; set; }

    public ThroughputResult? Find(string name) => Throughput.FirstOrDefault(t => t.Name == name);
}

/// <summary>Runs the contenders one after the other (never two at once), each with a warm-up run that does not count.</summary>
public sealed class Bench(BenchOptions options, Progress progress)
{
    public const string Embedded = "embedded";
    public const string HttpFloor = "http-floor";
    public const string CopyPerBatch = "pg-copy-per-batch";
    public const string CopyStreamed = "pg-copy-streamed";
    public const string Durable = "durable";
    public const string DurableCopyPerBatch = "pg-copy-per-batch-durable";
    public const string CeilingApply = "ceiling";
    public const string CeilingParse = "parse-only";
    public const string DuckDbPerBatch = "duckdb-per-batch";

    public const double WarmUpSeconds = 3;

    public const string VisitorsQuery = "visitors per hour (1 store, 1 day)";
    private string HeatmapQuestion =>
        $"heatmap cells per hour (1 store, {(options.Days > 0 ? $"{options.Days} days" : "1 day")}, {options.HeatmapCellSize}-unit cells)";

    /// <summary>The baseline server: durability off (the product's embedded mode keeps everything in memory), memory for the data set, no JIT.</summary>
    private static readonly string[] PostgresSettings =
    [
        "fsync=off", "synchronous_commit=off", "full_page_writes=off",
        "shared_buffers=1GB", "work_mem=32MB", "maintenance_work_mem=256MB",
        "max_wal_size=8GB", "checkpoint_timeout=30min", "jit=off", "max_connections=100",
    ];

    /// <summary>
    /// The durable contenders' server: PostgreSQL's defaults for durability (fsync, synchronous commit, full pages),
    /// so a committed row is on disk, which is what the product's PostgreSQL mode promises for a 202.
    /// </summary>
    private static readonly string[] DurablePostgresSettings =
    [
        "shared_buffers=1GB", "work_mem=32MB", "max_wal_size=8GB", "checkpoint_timeout=30min", "jit=off", "max_connections=200",
    ];

    /// <summary>A throughput contender: a name, what it measures, and one run of it (which sets up its own state).</summary>
    private sealed record Contender(string Name, string What, string Unit, Func<string, Task<ThroughputRun>> Run);

    /// <summary>The tenant of the embedded contender's latest run, whose stores the queries then ask about.</summary>
    private sealed class EmbeddedTenant
    {
        public string Key { get; set; } = "";

        public ProductStore[] Stores { get; set; } = [];
    }

    public async Task<BenchReport> RunAsync()
    {
        var total = Stopwatch.StartNew();
        var workload = GenerateWorkload();
        var report = new BenchReport { Options = options, Workload = workload, Machine = MachineInfo() };
        report.Settings["postgres"] = string.Join(' ', PostgresSettings);

        // Everything is started first and stays up: the measured runs of all contenders then take turns, so the
        // noise of a shared machine falls on all of them alike instead of on whoever ran during a busy minute.
        var servers = new BenchServers();
        try
        {
            var contenders = new List<Contender>();
            var tenant = new EmbeddedTenant();
            AddCeilingContenders(contenders, workload);
            await AddHttpFloorAsync(contenders, workload, servers);
            await AddEmbeddedAsync(contenders, workload, servers, tenant);
            var (baseline, serverCpu) = await AddPostgresAsync(contenders, workload, servers, report);
            await AddDurableAsync(contenders, workload, servers);
            AddDuckDb(contenders, workload, servers);

            report.IdleCpu["servers up, no data"] = await IdleCpuAsync(serverCpu);
            await MeasureThroughputAsync(contenders, report);
            report.IdleCpu["after the ingest runs, holding their data"] = await IdleCpuAsync(serverCpu);
            await MeasureQueriesAsync(workload, report, servers.Product, tenant.Key, tenant.Stores, baseline, serverCpu, servers.Duck);
        }
        finally
        {
            progress.Start("stop the servers");
            await servers.DisposeAsync();
            progress.Finish();
        }

        report.Elapsed = total.Elapsed;
        report.Machine["load_average_at_end"] = Cpu.LoadAverage();
        return report;
    }

    private Workload GenerateWorkload()
    {
        progress.Note($"HeatmapSaas bench: {options.Events:N0} events, {options.Locations} stores, {options.BatchSize:N0} events/batch, " +
                      $"{options.Reps} measured runs per contender{(options.Quick ? " (quick)" : "")}; load average {Cpu.LoadAverage()}");
        var workload = WorkloadGenerator.Generate(options, progress);
        progress.Note($"workload: {workload.Events:N0} events in {workload.Batches:N0} batches ({workload.Bytes / 1048576.0:F1} MiB JSON), " +
                      $"{workload.Tracks:N0} visits, {workload.Positions:N0} positions, {workload.Interactions:N0} interactions, " +
                      $"{workload.Conversions:N0} conversions; ts {workload.FirstTs:HH:mm:ss}Z..{workload.LastTs:HH:mm:ss}Z; " +
                      $"queries ask about {workload.QueryDate:yyyy-MM-dd}, heatmap {workload.HeatmapFirstDate:yyyy-MM-dd}..{workload.HeatmapLastDate:yyyy-MM-dd} ({workload.TimeZone}); " +
                      $"heatmap cells of {workload.HeatmapCellSize} units, at most {workload.MaxCellsPerBucket:N0} non-empty in one store's 15-minute bucket");
        return workload;
    }

    private void AddCeilingContenders(List<Contender> contenders, Workload workload)
    {
        if (!options.Runs("ceiling"))
        {
            return;
        }

        contenders.Add(new Contender(CeilingParse, "SensorBatchParser.ParseJson only, 1 thread", "events/s",
            label => Timed(label, workload.Events, () => Task.FromResult(Ceiling.ParseOnly(workload, progress)))));
        contenders.Add(new Contender(CeilingApply, "ParseJson + BatchValidator + FootfallLedger.Apply, 1 thread, no server", "events/s",
            label => Timed(label, workload.Events, () => Task.FromResult(Ceiling.ParseAndApply(workload, progress)))));
    }

    private async Task AddHttpFloorAsync(List<Contender> contenders, Workload workload, BenchServers servers)
    {
        if (!options.Runs("http"))
        {
            return;
        }

        progress.Start("start no-op Kestrel");
        var server = servers.NoOp = await NoOpServer.StartAsync();
        progress.Finish();
        contenders.Add(new Contender(HttpFloor,
            $"same {options.Locations} HTTP gateways → Kestrel endpoint that only reads the body and answers 202", "events/s",
            async label =>
            {
                var roundTrips = new List<double>();
                return (await Timed(label, workload.Events, () => Gateways.SendAllAsync(
                    server.BaseAddress, null, workload, l => $"/v1/locations/{l.Slug}/events", progress, checkReceipts: false, roundTrips)))
                    .WithRoundTrips(roundTrips);
            }));
    }

    private async Task AddEmbeddedAsync(List<Contender> contenders, Workload workload, BenchServers servers, EmbeddedTenant tenant)
    {
        if (!options.Runs("product"))
        {
            return;
        }

        progress.Start("start the product (embedded: API + silo in this process)");
        var host = servers.Product = await ProductHost.StartAsync();
        progress.Finish($"at {host.BaseAddress}");
        contenders.Add(new Contender(Embedded,
            $"POST /v1/locations/{{store}}/events, {options.Locations} gateways (1 HttpClient per store, 1 batch in flight each)", "events/s",
            async label =>
            {
                // A fresh tenant per run (stores with the same slugs, empty grains), so no batch id repeats.
                (tenant.Key, tenant.Stores) = await host.CreateTenantAsync(workload);
                var roundTrips = new List<double>();
                return (await Timed(label, workload.Events, () => Gateways.SendAllAsync(
                    host.BaseAddress, tenant.Key, workload, l => $"/v1/locations/{l.Slug}/events", progress, checkReceipts: true, roundTrips)))
                    .WithRoundTrips(roundTrips);
            }));
    }

    /// <summary>The COPY baselines on the non-durable server; returns them and the server's CPU time for the queries.</summary>
    private async Task<(PostgresBaseline? Baseline, Func<double>? ServerCpu)> AddPostgresAsync(
        List<Contender> contenders, Workload workload, BenchServers servers, BenchReport report)
    {
        if (!options.Runs("postgres"))
        {
            return (null, null);
        }

        progress.Start("start PostgreSQL (initdb, pg_ctl)");
        var postgres = servers.Postgres = PostgresServer.Start(PostgresSettings);
        postgres.CreateNamedDatabase("bench");
        report.Machine["postgres"] = postgres.Version;
        progress.Finish($"PostgreSQL {postgres.Version} on port {postgres.Port}");
        servers.DataSource = NpgsqlDataSource.Create(postgres.BenchConnectionString("bench"));
        var pg = new PostgresBaseline(servers.DataSource, workload);
        await pg.CreateSchemaAsync();
        var postmaster = postgres.PostmasterPid;
        Func<double> cpu = () => Cpu.TreeSeconds(postmaster);
        contenders.Add(new Contender(CopyPerBatch,
            $"ParseJson + binary COPY per 1,000-event batch, {options.Locations} connections, table with index (location_id, ts)", "rows/s",
            async label =>
            {
                await pg.ExecuteAsync("TRUNCATE events");
                return await Timed(label, workload.Events, () => pg.LoadAsync(perBatch: true, "", progress), cpu);
            }));
        contenders.Add(new Contender(CopyStreamed,
            $"ParseJson + one binary COPY per store streaming all its batches, {options.Locations} connections, same table", "rows/s",
            async label =>
            {
                await pg.ExecuteAsync("TRUNCATE events");
                return await Timed(label, workload.Events, () => pg.LoadAsync(perBatch: false, "", progress), cpu);
            }));
        return (pg, cpu);
    }

    private async Task AddDurableAsync(List<Contender> contenders, Workload workload, BenchServers servers)
    {
        if (!options.Runs("durable"))
        {
            return;
        }

        progress.Start("start a durable PostgreSQL (fsync and synchronous commit on) and the product in PostgreSQL mode");
        var postgres = servers.DurablePostgres = PostgresServer.Start(DurablePostgresSettings);
        postgres.CreateNamedDatabase("bench");
        var host = servers.Durable = await ProductHost.StartAsync(postgres.BenchConnectionString("product"));
        progress.Finish($"PostgreSQL on port {postgres.Port}, product at {host.BaseAddress}");
        var postmaster = postgres.PostmasterPid;
        contenders.Add(new Contender(Durable,
            $"POST /v1/locations/{{store}}/events, PostgreSQL mode (a 202 after the batch's log row committed), {options.Locations} gateways", "events/s",
            async label =>
            {
                var (key, _) = await host.CreateTenantAsync(workload);
                var roundTrips = new List<double>();
                return (await Timed(label, workload.Events, () => Gateways.SendAllAsync(
                    host.BaseAddress, key, workload, l => $"/v1/locations/{l.Slug}/events", progress, checkReceipts: true, roundTrips),
                    () => Cpu.TreeSeconds(postmaster))).WithRoundTrips(roundTrips);
            }));
        servers.DurableDataSource = NpgsqlDataSource.Create(postgres.BenchConnectionString("bench"));
        var pg = new PostgresBaseline(servers.DurableDataSource, workload);
        await pg.CreateSchemaAsync();
        contenders.Add(new Contender(DurableCopyPerBatch,
            "ParseJson + binary COPY per batch into the same indexed table, on the durable server", "rows/s",
            async label =>
            {
                await pg.ExecuteAsync("TRUNCATE events");
                return await Timed(label, workload.Events, () => pg.LoadAsync(perBatch: true, "", progress), () => Cpu.TreeSeconds(postmaster));
            }));
    }

    private void AddDuckDb(List<Contender> contenders, Workload workload, BenchServers servers)
    {
        if (!options.Runs("duckdb"))
        {
            return;
        }

        var peer = servers.Duck = new DuckDbPeer(workload);
        contenders.Add(new Contender(DuckDbPerBatch,
            $"ParseJson + DuckDB appender per batch (one commit each) into an in-memory table, {options.Locations} connections", "rows/s",
            label =>
            {
                peer.Reset();
                return Timed(label, workload.Events, () => peer.LoadAsync(progress));
            }));
    }

    /// <summary>
    /// Each contender warms up first: at least two runs and at least <see cref="WarmUpSeconds"/> of work (at most
    /// 40 runs), so tiered JIT with dynamic PGO and the pools have settled, which takes longer on a busy machine.
    /// Then <see cref="BenchOptions.Reps"/> rounds in which every contender runs once, in an order that rotates.
    /// </summary>
    private async Task MeasureThroughputAsync(List<Contender> contenders, BenchReport report)
    {
        var warmUps = new Dictionary<string, ThroughputRun>();
        foreach (var contender in contenders)
        {
            var warmedFor = 0.0;
            for (var i = 1; (i <= 2 || warmedFor < WarmUpSeconds) && i <= 40; i++)
            {
                var run = await contender.Run($"{contender.Name} warm-up {i}");
                warmUps[contender.Name] = run;
                warmedFor += run.Seconds;
            }
        }

        var runs = contenders.ToDictionary(c => c.Name, _ => new List<ThroughputRun>());
        for (var round = 0; round < options.Reps; round++)
        {
            foreach (var contender in contenders.Skip(round % Math.Max(1, contenders.Count)).Concat(contenders.Take(round % Math.Max(1, contenders.Count))))
            {
                runs[contender.Name].Add(await contender.Run($"{contender.Name} run {round + 1}/{options.Reps}"));
            }
        }

        foreach (var contender in contenders)
        {
            var result = new ThroughputResult(contender.Name, contender.What, contender.Unit, warmUps[contender.Name], runs[contender.Name]);
            report.Throughput.Add(result);
            progress.Note($"{contender.Name}: median {result.Median:N0} {contender.Unit} ({string.Join(" / ", result.Runs.Select(r => r.PerSecond.ToString("N0")))})");
        }
    }

    private async Task MeasureQueriesAsync(
        Workload workload, BenchReport report, ProductHost? product, string productKey, ProductStore[] stores,
        PostgresBaseline? baseline, Func<double>? serverCpu, DuckDbPeer? duck)
    {
        using var http = product?.Client(productKey);
        var productQueries = http is null || stores.Length == 0 ? null : new ProductQueries(http, workload);
        PostgresQueries? pgQueries = null;
        DuckDbPeer.Queries? duckQueries = null;
        try
        {
            var asks = new List<(string Query, string System, Func<int, Task> Ask)>();
            if (productQueries is not null)
            {
                foreach (var store in stores)
                {
                    var visitors = await productQueries.VisitorsPerHourAsync(store);
                    var (points, samples) = await productQueries.HeatmapPerHourAsync(store);
                    report.ProductAnswers[store.Stream.Slug] = new Answers(visitors, points, samples);
                }

                asks.Add((VisitorsQuery, "product", i => productQueries.VisitorsPerHourAsync(stores[i % stores.Length])));
                asks.Add((HeatmapQuestion, "product", i => productQueries.HeatmapPerHourAsync(stores[i % stores.Length])));
            }

            var slugs = workload.Locations.Select(l => l.Slug).ToArray();
            if (baseline is not null)
            {
                progress.Start("VACUUM ANALYZE events");
                await baseline.ExecuteAsync("VACUUM ANALYZE events");
                progress.Finish();
                var pg = pgQueries = await PostgresQueries.OpenAsync(baseline.DataSource, workload);
                foreach (var slug in slugs)
                {
                    var visitors = await pg.VisitorsPerHourAsync(slug);
                    var (points, samples) = await pg.HeatmapPerHourAsync(slug);
                    report.PostgresAnswers[slug] = new Answers(visitors, points, samples);
                }

                asks.Add((VisitorsQuery, "postgres", i => pg.VisitorsPerHourAsync(slugs[i % slugs.Length])));
                asks.Add((HeatmapQuestion, "postgres", i => pg.HeatmapPerHourAsync(slugs[i % slugs.Length])));
            }

            if (duck is not null)
            {
                // The last ingest run's table is what is asked (every run loads the same events).
                var dq = duckQueries = duck.OpenQueries();
                foreach (var slug in slugs)
                {
                    var visitors = await dq.VisitorsPerHourAsync(slug);
                    var (points, samples) = await dq.HeatmapPerHourAsync(slug);
                    report.DuckDbAnswers[slug] = new Answers(visitors, points, samples);
                }

                asks.Add((VisitorsQuery, "duckdb", i => dq.VisitorsPerHourAsync(slugs[i % slugs.Length])));
                asks.Add((HeatmapQuestion, "duckdb", i => dq.HeatmapPerHourAsync(slugs[i % slugs.Length])));
            }

            if (asks.Count == 0)
            {
                return;
            }

            await SampleIdleAsync(asks, report);

            if (!options.UnderLoad)
            {
                return;
            }

            // Full speed saturates the two cores, so a query waits for CPU behind the ingest; half of each system's
            // own top rate (its median above) is a busy system that still has headroom, as one runs in production.
            foreach (var share in (double?[])[null, HalfLoad])
            {
                if (productQueries is not null && product is not null)
                {
                    var rate = share * report.Throughput.FirstOrDefault(t => t.Name == Embedded)?.Median;
                    await UnderLoadAsync("product", report, LoadCondition(share),
                        async n =>
                        {
                            var (loadKey, _) = await product.CreateTenantAsync(workload);
                            return () => Gateways.SendAllAsync(product.BaseAddress, loadKey, workload, l => $"/v1/locations/{l.Slug}/events", progress,
                                checkReceipts: true, eventsPerSecond: rate);
                        },
                        i => productQueries.VisitorsPerHourAsync(stores[i % stores.Length]),
                        i => productQueries.HeatmapPerHourAsync(stores[i % stores.Length]));
                }

                if (pgQueries is not null && baseline is not null)
                {
                    var pg = pgQueries;
                    var rate = share * report.Throughput.FirstOrDefault(t => t.Name == CopyPerBatch)?.Median;
                    // The load goes to other stores (suffixed ids) of the same table, as the product's goes to another tenant.
                    await UnderLoadAsync("postgres", report, LoadCondition(share),
                        n => Task.FromResult<Func<Task<long>>>(() => baseline.LoadAsync(perBatch: true, $"-load{n}-{share}", progress, rate)),
                        i => pg.VisitorsPerHourAsync(slugs[i % slugs.Length]),
                        i => pg.HeatmapPerHourAsync(slugs[i % slugs.Length]),
                        serverCpu);
                }
            }
        }
        finally
        {
            duckQueries?.Dispose();
            if (pgQueries is not null)
            {
                await pgQueries.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// What the process (and PostgreSQL) burn with nothing to do for two seconds: background work every measured run
    /// also carries (grain timers, the idle servers of the other contenders).
    /// </summary>
    private async Task<ThroughputRun> IdleCpuAsync(Func<double>? serverCpu)
    {
        GC.Collect();
        var run = await Timed("idle CPU (2 s, nothing to do)", 0, async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            return 0L;
        }, serverCpu);
        return run;
    }

    /// <summary>
    /// Idle latencies: every (system, query) pair warms up, then the pairs take turns sample by sample, so a busy
    /// moment of the machine hits all of them alike.
    /// </summary>
    private async Task SampleIdleAsync(List<(string Query, string System, Func<int, Task> Ask)> asks, BenchReport report)
    {
        progress.Start($"queries idle: {string.Join(", ", asks.Select(a => a.System).Distinct())}",
            asks.Sum(a => WarmUpsOf(a.System) + options.QueryIterations));
        foreach (var ask in asks)
        {
            for (var i = 0; i < WarmUpsOf(ask.System); i++)
            {
                await ask.Ask(i);
                progress.Add(1);
            }
        }

        var samples = asks.Select(_ => new List<double>(options.QueryIterations)).ToArray();
        for (var i = 0; i < options.QueryIterations; i++)
        {
            for (var a = 0; a < asks.Count; a++)
            {
                var started = Stopwatch.GetTimestamp();
                await asks[a].Ask(i);
                samples[a].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                progress.Add(1);
            }
        }

        var results = asks.Select((a, n) => new LatencyResult(a.Query, a.System, "idle", samples[n])).ToList();
        progress.Finish(string.Join("; ", results.Select(r => $"{r.System} {(r.Query == VisitorsQuery ? "visitors" : "heatmap")} p50 {r.P50:F2} p99 {r.P99:F2} ms")));
        report.Latency.AddRange(results);
    }

    private async Task<ThroughputRun> Timed(string label, long goal, Func<Task<long>> body, Func<double>? serverCpu = null)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        progress.Start(label, goal);
        var machine = Cpu.MachineBusySeconds();
        var cpu = Cpu.ProcessSeconds();
        var server = serverCpu?.Invoke();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var paused = GC.GetTotalPauseDuration();
        var gen2 = GC.CollectionCount(2);
        var started = Stopwatch.GetTimestamp();
        var items = await body();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var ownCpu = Cpu.ProcessSeconds() - cpu;
        var serverUsed = serverCpu is null ? null : serverCpu() - server;
        var run = new ThroughputRun(items, seconds, ownCpu, serverUsed)
        {
            OtherCpuSeconds = Cpu.MachineBusySeconds() - machine - ownCpu - (serverUsed ?? 0),
            AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocated,
            GcPauseSeconds = (GC.GetTotalPauseDuration() - paused).TotalSeconds,
            Gen2Collections = GC.CollectionCount(2) - gen2,
        };
        progress.Finish($"{run.PerSecond:N0}/s, CPU {run.ProcessCpuPercent:F0}%{(run.ServerCpuPercent is { } s ? $" + server {s:F0}%" : "")}" +
                        $"{(run.OtherCpuPercent is { } o ? $", others {o:F0}%" : "")}");
        if (items != goal)
        {
            throw new InvalidOperationException($"{label}: {items:N0} of {goal:N0} events got through");
        }

        return run;
    }

    private int WarmUpQueries => Math.Max(10, options.QueryIterations / 10);

    /// <summary>
    /// The product's code is recompiled (tier 1, with its profile) after about 30 calls, on a background thread that
    /// competes for the two cores: code run once per question would tier up in the middle of the samples, so the
    /// product warms up past that (each of its answers takes about a millisecond). PostgreSQL runs with jit=off.
    /// </summary>
    private int WarmUpsOf(string system) => system == "postgres" ? WarmUpQueries : Math.Max(WarmUpQueries, ProductWarmUps);

    private const int ProductWarmUps = 200;

    public const double HalfLoad = 0.5;

    public static string LoadCondition(double? share) =>
        share is { } s ? $"during ingest at {s * 100:F0}% of its top rate" : "during ingest";

    /// <summary>
    /// Both queries, alternating, while a full ingest of the workload runs into other stores; only samples that
    /// finished while the load was still running count. Loads repeat (fresh stores each) until enough samples.
    /// </summary>
    private async Task UnderLoadAsync<T1, T2>(
        string system, BenchReport report, string condition, Func<int, Task<Func<Task<long>>>> prepareLoad,
        Func<int, Task<T1>> visitors, Func<int, Task<T2>> heatmap, Func<double>? serverCpu = null)
    {
        var target = Math.Max(50, options.QueryIterations / 2);
        var visitorSamples = new List<double>();
        var heatmapSamples = new List<double>();
        var loads = new List<ThroughputRun>();
        var clock = Stopwatch.StartNew();
        var i = 0;
        for (var n = 0; (visitorSamples.Count < target || heatmapSamples.Count < target) && n < 30 && clock.Elapsed < TimeSpan.FromSeconds(options.Quick ? 20 : 60); n++)
        {
            var load = await prepareLoad(n);
            progress.Start($"{system}: queries {condition} (load {n + 1}; samples {visitorSamples.Count}+{heatmapSamples.Count})", report.Workload.Events);
            var machine = Cpu.MachineBusySeconds();
            var cpu = Cpu.ProcessSeconds();
            var server = serverCpu?.Invoke();
            var started = Stopwatch.GetTimestamp();
            var loading = Task.Run(load);
            while (!loading.IsCompleted)
            {
                var t = Stopwatch.GetTimestamp();
                await visitors(i);
                if (!loading.IsCompleted)
                {
                    visitorSamples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }

                t = Stopwatch.GetTimestamp();
                await heatmap(i);
                if (!loading.IsCompleted)
                {
                    heatmapSamples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }

                i++;
            }

            var items = await loading;
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var run = new ThroughputRun(items, seconds, Cpu.ProcessSeconds() - cpu, serverCpu is null ? null : serverCpu() - server);
            run = run with { OtherCpuSeconds = Cpu.MachineBusySeconds() - machine - run.ProcessCpuSeconds - (run.ServerCpuSeconds ?? 0) };
            loads.Add(run);
            progress.Finish($"ingest {run.PerSecond:N0}/s while queried");
        }

        report.Latency.Add(new LatencyResult(VisitorsQuery, system, condition, visitorSamples));
        report.Latency.Add(new LatencyResult(HeatmapQuestion, system, condition, heatmapSamples));
        report.Throughput.Add(new ThroughputResult($"{system}-ingest-while-queried{(condition == LoadCondition(null) ? "" : "-paced")}",
            $"ingest rate while one client queries ({condition})", "events/s", loads[0], loads));
    }

    private static Dictionary<string, string> MachineInfo()
    {
        var info = new Dictionary<string, string>
        {
            ["cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            ["gc"] = System.Runtime.GCSettings.IsServerGC ? "server" : "workstation",
            ["load_average_at_start"] = Cpu.LoadAverage(),
        };
        try
        {
            var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (model is not null)
            {
                info["cpu"] = model[(model.IndexOf(':') + 1)..].Trim();
            }

            var memory = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal));
            if (memory is not null)
            {
                info["memory"] = memory[(memory.IndexOf(':') + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }

        return info;
    }
}
