using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace HeatmapSaas.Bench;

/// <summary>
/// How the figures grow with the number of stores (<c>--scenario scaling</c>): the same number of events spread over
/// 1, 10, 100, 1,000 and 10,000 stores of one tenant, each step on a fresh embedded product in this process. Per step:
/// the time to create the stores (one heatmap each), ingest throughput through a fixed pool of gateways, heap per
/// store, idle CPU with every store resident, and query latency over random stores.
/// </summary>
public static class Scaling
{
    public const string Flag = "scaling";

    private const int GatewayConnections = 16;
    private const int CreateConnections = 4;
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SettleWindow = TimeSpan.FromSeconds(10);

    public static bool Selected(string[] args) =>
        args.SkipWhile(a => a != "--scenario").Skip(1).FirstOrDefault() == Flag;

    public const string Usage = """
        usage: bench/run.sh --scenario scaling [--scale 1,10,100,1000,10000] [--events N] [--queries N] [--out PATH]
          --scale    store counts, one step each (default 1,10,100,1000,10000)
          --events   events per step, spread over its stores (default 400,000)
          --queries  traffic-count queries per step (default 300)
          --out      results file (default bench/results/scaling.json)
        """;

    public sealed record Step(
        int Stores, int EventsPerStore, int Batches, double CreateSeconds, double EventsPerSecond, double BatchesPerSecond,
        double BatchP50Ms, double BatchP99Ms, double HeapBytesPerStore, double IdleCpuPercent, double QueryP50Ms, double QueryP99Ms);

    public static async Task<int> MainAsync(string[] args)
    {
        if (args.Contains("--help"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        int[] scale = [1, 10, 100, 1_000, 10_000];
        var events = 400_000;
        var queries = 300;
        var output = "bench/results/scaling.json";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--scenario":
                    i++;
                    break;
                case "--scale":
                    scale = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--events":
                    events = int.Parse(args[++i], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                    break;
                case "--queries":
                    queries = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--out":
                    output = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}\n{Usage}");
                    return 2;
            }
        }

        var results = Console.Out;
        Console.SetOut(Console.Error);
        using var progress = new Progress();
        var steps = new List<Step>();
        foreach (var stores in scale)
        {
            steps.Add(await RunStepAsync(stores, Math.Max(events, stores), queries, progress));
        }

        var markdown = Markdown(steps, events);
        await results.WriteAsync(markdown);
        await results.FlushAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new { events, steps },
            new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        progress.Note($"results written to {output}");
        return 0;
    }

    private static async Task<Step> RunStepAsync(int stores, int events, int queries, Progress progress)
    {
        var workload = WorkloadGenerator.Generate(new BenchOptions { Events = events, Locations = stores }, progress);
        progress.Start($"{stores:N0} stores: start the product");
        await using var host = await ProductHost.StartAsync();
        progress.Finish();
        var heapBefore = HeapAfterFullCollection();

        var created = Stopwatch.StartNew();
        var (key, slugs) = await CreateStoresAsync(host, workload, progress);
        var createSeconds = created.Elapsed.TotalSeconds;

        var roundTrips = new List<double>();
        progress.Start($"{stores:N0} stores: ingest", workload.Events);
        var ingest = Stopwatch.StartNew();
        await SendAsync(host, key, workload, slugs, roundTrips, progress);
        var ingestSeconds = ingest.Elapsed.TotalSeconds;
        progress.Finish($"{workload.Events / ingestSeconds:N0} events/s");

        var heapPerStore = (HeapAfterFullCollection() - heapBefore) / (double)stores;

        // What the ingest left behind (checkpoints, the tenant's roll-up, pushes) settles first.
        progress.Start($"{stores:N0} stores: idle CPU ({IdleWindow.TotalSeconds:F0} s, after {SettleWindow.TotalSeconds:F0} s to settle)");
        await Task.Delay(SettleWindow);
        var cpu = Cpu.ProcessSeconds();
        var idle = Stopwatch.StartNew();
        await Task.Delay(IdleWindow);
        var idleCpu = 100 * (Cpu.ProcessSeconds() - cpu) / idle.Elapsed.TotalSeconds;
        progress.Finish($"{idleCpu:F1}% of a core");

        var latencies = await QueryAsync(host, key, workload, slugs, queries, progress);
        return new Step(stores, workload.Events / stores, workload.Batches, createSeconds, workload.Events / ingestSeconds,
            workload.Batches / ingestSeconds, Stats.Percentile(roundTrips, 50), Stats.Percentile(roundTrips, 99), heapPerStore, idleCpu,
            Stats.Percentile(latencies, 50), Stats.Percentile(latencies, 99));
    }

    /// <summary>A fresh enterprise tenant with the workload's stores, one customer-flow heatmap each, a few at a time.</summary>
    private static async Task<(string Key, string[] Slugs)> CreateStoresAsync(ProductHost host, Workload workload, Progress progress)
    {
        using var admin = host.Client(ProductHost.AdminKey);
        var tenant = await Json(await admin.PostAsJsonAsync("/v1/tenants", new { name = "Scaling", plan = "enterprise", timezone = workload.TimeZone }));
        var key = tenant.GetProperty("api_key").GetString()!;
        progress.Start($"{workload.Locations.Length:N0} stores: create stores and heatmaps", workload.Locations.Length);
        using var http = host.Client(key);
        var slugs = new string[workload.Locations.Length];
        await Parallel.ForEachAsync(workload.Locations, new ParallelOptions { MaxDegreeOfParallelism = CreateConnections }, async (location, _) =>
        {
            var store = await Json(await http.PostAsJsonAsync("/v1/locations", new
            {
                name = $"Store {location.Index + 1}",
                slug = location.Slug,
                timezone = workload.TimeZone,
            }));
            slugs[location.Index] = store.GetProperty("slug").GetString()!;
            await Json(await http.PostAsJsonAsync("/v1/heatmaps", new { name = "Flow", location_id = slugs[location.Index], type = "customer_flow" }));
            progress.Add(1);
        });
        progress.Finish();
        return (key, slugs);
    }

    /// <summary>A fixed pool of gateway connections; each store's batches go in order, one store after another per connection.</summary>
    private static async Task SendAsync(ProductHost host, string key, Workload workload, string[] slugs, List<double> roundTrips, Progress progress)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, GatewayConnections).Select(_ => Task.Run(async () =>
        {
            using var http = host.Client(key);
            var mine = new List<double>();
            for (var store = Interlocked.Increment(ref next); store < workload.Locations.Length; store = Interlocked.Increment(ref next))
            {
                var location = workload.Locations[store];
                for (var batch = 0; batch < location.Bodies.Length; batch++)
                {
                    var body = location.Bodies[batch];
                    var started = Stopwatch.GetTimestamp();
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync($"/v1/locations/{slugs[store]}/events", content);
                    var receipt = await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode != HttpStatusCode.Accepted || Gateways.Accepted(receipt) != location.BodyEvents[batch])
                    {
                        throw new InvalidOperationException($"ingest answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(receipt)}");
                    }

                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                progress.Add(location.Events);
            }

            lock (roundTrips)
            {
                roundTrips.AddRange(mine);
            }
        })));
    }

    /// <summary>Visitors per hour of the query date (seed 002's traffic counts), for random stores, one at a time.</summary>
    private static async Task<List<double>> QueryAsync(ProductHost host, string key, Workload workload, string[] slugs, int queries, Progress progress)
    {
        using var http = host.Client(key);
        var date = workload.QueryDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var random = new Random(7);
        var latencies = new List<double>(queries);
        progress.Start($"{slugs.Length:N0} stores: traffic-count queries", queries);
        for (var i = -queries / 10; i < queries; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync($"/v1/traffic/impression-counts/{slugs[random.Next(slugs.Length)]}/{date}");
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            if (i >= 0)
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                progress.Add(1);
            }
        }

        progress.Finish();
        return latencies;
    }

    internal static long HeapAfterFullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    internal static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
            }

            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private static string Markdown(List<Step> steps, int events)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## Scaling: {events:N0} events spread over more and more stores (one tenant, embedded, {GatewayConnections} gateway connections)");
        md.AppendLine();
        md.AppendLine("| stores | events per store | batches | create stores + heatmaps | ingest events/s | batches/s | batch p50 / p99 | heap per store | idle CPU, all resident | traffic query p50 / p99 |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in steps)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Stores:N0} | {s.EventsPerStore:N0} | {s.Batches:N0} | {s.CreateSeconds:F1} s | {s.EventsPerSecond:N0} | {s.BatchesPerSecond:N0} | " +
                $"{s.BatchP50Ms:F1} / {s.BatchP99Ms:F1} ms | {s.HeapBytesPerStore / 1024:N1} KiB | {s.IdleCpuPercent:F1}% | {s.QueryP50Ms:F2} / {s.QueryP99Ms:F2} ms |");
        }

        md.AppendLine();
        md.AppendLine("Idle CPU is this process (gateways idle, the product holding every store) as a share of one core. Heap per store is the managed heap after a full collection, minus the empty product's, divided by the stores.");
        return md.ToString();
    }
}
