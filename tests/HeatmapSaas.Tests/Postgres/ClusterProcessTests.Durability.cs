using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using HeatmapSaas.Footfall;
using HeatmapSaas.Locations;
using HeatmapSaas.Tests.Api;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>
/// "A 202 means durable": processes are killed (SIGKILL, no shutdown) or PostgreSQL is stopped while gateways send,
/// and afterwards every answer equals the reference computed from the acknowledged batches, each counted once.
/// </summary>
public sealed partial class ClusterProcessTests
{
    /// <summary>Checkpoints every few batches, so a kill finds batches both under and above the last checkpoint.</summary>
    private static readonly Dictionary<string, string> FrequentCheckpoints = new()
    {
        ["Heatmap__Ingest__CheckpointEveryBatches"] = "4",
    };

    [Fact]
    public Task Killing_the_only_process_mid_ingest_loses_and_doubles_nothing() => WithNodeOutput(async () =>
    {
        var (node, restart, database) = await StartSingleNodeAsync("kill_only_process", FrequentCheckpoints);
        var (key, slug) = await CreateStoreAsync(node, "Kill Store");
        using var http = Client(node, key);
        var locationId = (await (await http.GetAsync($"/v1/locations/{slug}")).Json(200)).GetProperty("id").GetString()!;
        // Every third batch also carries poison conversions, which must be refused before the log and never count.
        var gateway = new GatewayReplay(slug, seed: 7, batches: 40, visitsPerBatch: 12, DateTimeOffset.UtcNow, poisonEvery: 3);
        var killed = new TaskCompletionSource();
        // The kill comes from the gateway's own loop after its 15th acknowledgement, while the 16th is being sent.
        var sending = gateway.RunAsync(() => http, async acknowledged =>
        {
            if (acknowledged == 15)
            {
                _ = Task.Run(async () =>
                {
                    await Task.Delay(30);
                    await node.KillAsync();
                    killed.SetResult();
                });
            }

            await Task.CompletedTask;
        });

        await killed.Task;
        var acknowledgedBeforeRestart = gateway.Acknowledged;
        // A batch an older build acknowledged without the value check: applying it throws, on every replay. The
        // restarted location quarantines it and serves; it counts nothing.
        await LogUnappliableBatchAsync(database, locationId);
        var recovery = System.Diagnostics.Stopwatch.StartNew();
        await restart();
        var ready = recovery.Elapsed;
        await sending;

        await AssertAnswersAsync(http, gateway);
        // A figure for the durability note, not an expectation: the time from the restart to a ready node, and the
        // acknowledged batches it then served (the gateway resends the rest meanwhile).
        output.WriteLine($"recovery after kill -9: process start to ready {ready.TotalSeconds:F1} s; " +
                         $"{acknowledgedBeforeRestart} batches acknowledged before the kill, all answered after it");
        await AssertDuplicatesAsync(http, gateway, gateway.Batches.Take(20));
        await AssertAnswersAsync(http, gateway);
        Assert.Equal(1, await MetricAsync(http, "heatmap_ingest_quarantined_batches_total"));
    });

    private static async Task LogUnappliableBatchAsync(string database, string locationId)
    {
        await using var source = Npgsql.NpgsqlDataSource.Create(database);
        var poison = new SensorReading(0, ReadingKind.Conversion, null, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), 0, 0, 1e29, null);
        var receipt = new IngestReceipt("older-build-1", 1, 0, false, []);
        await new HeatmapSaas.Grains.Locations.Log.PostgresIngestLog(source).AppendAsync(locationId,
            new HeatmapSaas.Grains.Locations.Log.LoggedBatch(0, "older-build-1", "gw-old", [poison], receipt, DateTimeOffset.UtcNow));
    }

    [Fact]
    public Task Killing_a_silo_mid_ingest_while_gateways_retry_keeps_every_count_exact() => WithNodeOutput(async () =>
    {
        var database = postgres.CreateDatabase("kill_one_silo");
        var ports = DistinctFreePorts(7);
        var silos = new[]
        {
            Start("silo 1", NodeProcess.SiloAssembly, ports[0], Settings(database, new(FrequentCheckpoints)
            {
                ["Orleans__SiloPort"] = Text(ports[1]),
                ["Orleans__GatewayPort"] = Text(ports[2]),
            })),
            Start("silo 2", NodeProcess.SiloAssembly, ports[3], Settings(database, new(FrequentCheckpoints)
            {
                ["Orleans__SiloPort"] = Text(ports[4]),
                ["Orleans__GatewayPort"] = Text(ports[5]),
            })),
        };
        await Task.WhenAll(silos.Select(s => s.WaitUntilOkAsync("/health/live", StartTimeout)));
        await WaitForActiveSilosAsync(database, [ports[1], ports[4]]);
        var api = Start("api (client)", NodeProcess.ApiAssembly, ports[6], Settings(database, new() { ["Heatmap__Silo__Enabled"] = "false" }));
        await api.WaitUntilOkAsync("/health/ready", StartTimeout);

        // Several stores, so that the killed silo certainly hosted some of them.
        var (key, first) = await CreateStoreAsync(api, "Store 0");
        using var http = Client(api, key);
        var slugs = new List<string> { first };
        for (var i = 1; i < 4; i++)
        {
            slugs.Add((await (await http.PostAsJsonAsync("/v1/locations", new { name = $"Store {i}", timezone = "UTC" })).Json(201))
                .GetProperty("slug").GetString()!);
        }

        var now = DateTimeOffset.UtcNow;
        var gateways = slugs.Select((slug, i) => new GatewayReplay(slug, seed: 100 + i, batches: 20, visitsPerBatch: 10, now)).ToList();
        var total = 0;
        var sinceKill = new System.Diagnostics.Stopwatch();
        var sending = gateways.Select(g => g.RunAsync(() => http, async _ =>
        {
            if (Interlocked.Increment(ref total) == 20)
            {
                await silos[0].KillAsync();
                sinceKill.Start();
            }
        })).ToList();
        await Task.WhenAll(sending);

        Assert.True(silos[0].HasExited);
        // A figure for the durability note, not an expectation: how long until the gateways were all served again.
        output.WriteLine($"after the silo's kill: {gateways.Sum(g => g.Unavailable)} answers of 503, " +
                         $"every gateway done {sinceKill.Elapsed.TotalSeconds:F1} s after the kill");
        foreach (var gateway in gateways)
        {
            await AssertAnswersAsync(http, gateway);
            await AssertDuplicatesAsync(http, gateway, gateway.Batches.Take(5));
        }
    });

    [Fact]
    public Task While_PostgreSQL_is_down_ingest_answers_503_live_queries_answer_and_service_comes_back() => WithNodeOutput(async () =>
    {
        var (node, _, _) = await StartSingleNodeAsync("postgres_down", FrequentCheckpoints);
        var (key, slug) = await CreateStoreAsync(node, "Outage Store");
        using var http = Client(node, key);
        var gateway = new GatewayReplay(slug, seed: 11, batches: 30, visitsPerBatch: 10, DateTimeOffset.UtcNow);
        var stopped = new TaskCompletionSource<int>();
        var sending = gateway.RunAsync(() => http, async acknowledged =>
        {
            if (acknowledged == 10)
            {
                postgres.Server.StopServer();
                stopped.SetResult(acknowledged);
            }

            await Task.CompletedTask;
        });

        // A gateway on the ingest hub, at a store of its own (its events stay out of the reference's store).
        var hubStore = (await (await http.PostAsJsonAsync("/v1/locations", new { name = "Hub Outage Store", timezone = "UTC" })).Json(201))
            .GetProperty("slug").GetString()!;
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(node.BaseAddress, "/hubs/ingest"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(key))
            .Build();
        await hub.StartAsync();
        var hubBatches = Channel.CreateUnbounded<JsonElement>();
        await using var acks = hub.StreamAsync<JsonElement>("Ingest", hubStore, hubBatches.Reader.ReadAllAsync()).GetAsyncEnumerator();
        var hubBatch = JsonDocument.Parse($$"""
            {"batch_id":"hub-outage-1","gateway_id":"gw-hub","events":[{"type":"position","track_id":"h","ts":"{{DateTimeOffset.UtcNow.AddMinutes(-1):yyyy-MM-ddTHH:mm:ssZ}}","x":1,"y":1}]}
            """).RootElement.Clone();

        async Task<JsonElement> SendOnHub()
        {
            await hubBatches.Writer.WriteAsync(hubBatch);
            Assert.True(await acks.MoveNextAsync(), "the ingest hub ended the stream");
            return acks.Current;
        }

        await stopped.Task;
        try
        {
            // A 5xx answers its batch on the hub, and the stream goes on.
            var outage = await SendOnHub();
            Assert.Equal(503, outage.GetProperty("status").GetInt32());
            Assert.Equal("SERVICE_UNAVAILABLE", outage.GetProperty("error").GetProperty("code").GetString());

            // Live data is in grain memory: it keeps answering, and it answers all that was acknowledged.
            var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await (await http.GetAsync($"/v1/traffic/impression-counts/{slug}/{today}")).Json(200);
            await (await http.GetAsync("/health/ready")).Error(503, "SERVICE_UNAVAILABLE");

            // Ingest refuses with 503 and Retry-After (the gateway asserts the header) rather than acknowledge
            // what it cannot keep.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (gateway.Unavailable == 0)
            {
                await Task.Delay(50, deadline.Token);
            }

            Assert.Equal(10, gateway.Acknowledged);
        }
        finally
        {
            postgres.Server.StartServer();
        }

        await sending;
        await node.WaitUntilOkAsync("/health/ready", StartTimeout);
        await AssertAnswersAsync(http, gateway);
        await AssertDuplicatesAsync(http, gateway, gateway.Batches.Take(12));

        // The same stream, once PostgreSQL is back, acknowledges the retried batch.
        var retried = await SendOnHub();
        Assert.Equal(202, retried.GetProperty("status").GetInt32());
        Assert.Equal(1, retried.GetProperty("accepted").GetInt32());
        hubBatches.Writer.Complete();
        Assert.False(await acks.MoveNextAsync());
    });

    [Fact]
    public Task A_graceful_stop_checkpoints_every_location_so_a_restart_replays_nothing() => WithNodeOutput(async () =>
    {
        // Checkpoints by count or time never come during the test: only the shutdown's can. Nor does a closing's (the
        // visits are up to two hours old; base grids would leave after the 1-hour grid window, and checkpoint then).
        var (node, restart, _) = await StartSingleNodeAsync("graceful_stop", new()
        {
            ["Heatmap__Ingest__CheckpointEveryBatches"] = "100000",
            ["Heatmap__Ingest__CheckpointInterval"] = "1.00:00:00",
            ["Heatmap__Memory__GridWindow"] = "1.00:00:00",
        });
        var (key, slug) = await CreateStoreAsync(node, "Graceful Store");
        using var http = Client(node, key);
        var gateway = new GatewayReplay(slug, seed: 3, batches: 10, visitsPerBatch: 10, DateTimeOffset.UtcNow);
        await gateway.RunAsync(() => http);
        Assert.Equal(10, await MetricAsync(http, "heatmap_ingest_log_depth"));

        await node.StopAsync();
        await restart();

        await AssertAnswersAsync(http, gateway);
        Assert.Equal(0, await MetricAsync(http, "heatmap_ingest_replayed_batches_total"));
    });

    private static async Task<double> MetricAsync(HttpClient http, string name)
    {
        var text = await http.GetStringAsync("/metrics");
        return HeatmapSaas.Tests.Support.MetricsText.Sum(text, name);
    }

    /// <summary>
    /// One API process hosting its silo on a fresh database, ready; and how to start it again on the same ports (the
    /// same silo, a newer generation of it), as a restarted service does.
    /// </summary>
    private async Task<(NodeProcess Node, Func<Task> Restart, string Database)> StartSingleNodeAsync(string databasePrefix, Dictionary<string, string> extra)
    {
        var ports = DistinctFreePorts(3);
        var database = postgres.CreateDatabase(databasePrefix);
        var environment = Settings(database, new(extra)
        {
            ["Orleans__SiloPort"] = Text(ports[1]),
            ["Orleans__GatewayPort"] = Text(ports[2]),
        });
        var node = Start("api", NodeProcess.ApiAssembly, ports[0], environment);
        await node.WaitUntilOkAsync("/health/ready", StartTimeout);
        return (node, () => Start("api (restarted)", NodeProcess.ApiAssembly, ports[0], environment).WaitUntilOkAsync("/health/ready", StartTimeout), database);
    }

    /// <summary>A tenant (enterprise, so no request quota interferes) with one UTC store; its key and the store's slug.</summary>
    private static async Task<(string Key, string Slug)> CreateStoreAsync(NodeProcess node, string name)
    {
        using var admin = Client(node, AdminKey);
        var tenant = await (await admin.PostAsJsonAsync("/v1/tenants", new { name = "Durable", plan = "enterprise", timezone = "UTC" })).Json(201);
        var key = tenant.GetProperty("api_key").GetString()!;
        using var http = Client(node, key);
        var location = await (await http.PostAsJsonAsync("/v1/locations", new { name, timezone = "UTC" })).Json(201);
        return (key, location.GetProperty("slug").GetString()!);
    }

    /// <summary>Traffic rows of every metric per quarter hour, and the analytics totals, equal the reference's.</summary>
    private static async Task AssertAnswersAsync(HttpClient http, GatewayReplay gateway)
    {
        var reference = gateway.Reference;
        var dates = reference.DatesTouched("UTC");
        foreach (var date in dates)
        {
            var day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (var (metric, path, field) in new[]
                     {
                         (TrafficMetric.Impressions, "impression", "impressions"),
                         (TrafficMetric.Discoveries, "discovery", "discoveries"),
                         (TrafficMetric.Engagements, "engagement", "engagements"),
                         (TrafficMetric.Interactions, "interaction", "interactions"),
                     })
            {
                var rows = await (await http.GetAsync($"/v1/traffic/{path}-counts/{gateway.Location}/{day}?interval=15min")).Json(200);
                var actual = rows.EnumerateArray()
                    .Select(r => $"{DateTimeOffset.Parse(r.GetProperty("start").GetString()!, CultureInfo.InvariantCulture).UtcDateTime:O}={r.GetProperty(field).GetInt64()}");
                var expected = reference.Traffic(new TrafficQuery(metric, date, Granularity.QuarterHour, null))
                    .Select(r => $"{r.Start.UtcDateTime:O}={r.Count}");
                Assert.Equal(expected, actual);
            }
        }

        var from = dates.Min.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = dates.Max.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var analytics = await (await http.GetAsync($"/v1/locations/{gateway.Location}/analytics?start_date={from}&end_date={to}")).Json(200);
        var local = LocalTimeOfUtc(dates.Min);
        var window = reference.Analytics(local.First, local.End + (dates.Max.DayNumber - dates.Min.DayNumber) * 96);
        Assert.Equal(window.Total.Visitors, analytics.GetProperty("metrics").GetProperty("visitors").GetInt64());
        Assert.Equal(window.Total.Conversions, analytics.GetProperty("daily_breakdown").EnumerateArray().Sum(d => d.GetProperty("conversions").GetInt64()));
        Assert.Equal(gateway.Batches.Sum(b => b.Readings.Count(r => r.Kind == ReadingKind.Conversion)), window.Total.Conversions);
    }

    /// <summary>The buckets of one UTC date: 96 from midnight.</summary>
    private static (long First, long End) LocalTimeOfUtc(DateOnly date)
    {
        var first = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds() / 900_000;
        return (first, first + 96);
    }

    /// <summary>Resent batches answer their first receipt's counts with <c>duplicate: true</c>.</summary>
    private static async Task AssertDuplicatesAsync(HttpClient http, GatewayReplay gateway, IEnumerable<SensorBatch> batches)
    {
        foreach (var batch in batches)
        {
            var first = gateway.ReceiptOf(batch.BatchId);
            var again = await gateway.SendUntilAcknowledgedAsync(() => http, batch);
            Assert.True(again.GetProperty("duplicate").GetBoolean(), $"{batch.BatchId} was not recognised: {again}");
            Assert.Equal(first.GetProperty("accepted").GetInt32(), again.GetProperty("accepted").GetInt32());
            Assert.Equal(first.GetProperty("rejected").GetInt32(), again.GetProperty("rejected").GetInt32());
        }
    }
}
