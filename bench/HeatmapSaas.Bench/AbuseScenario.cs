using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace HeatmapSaas.Bench;

/// <summary>
/// What strangers and careless callers cost (<c>--scenario abuse</c>): bounded floods on loopback against one
/// embedded product in this process — random bearer keys, landing <c>track</c> calls for tenants that do not exist,
/// ingest to location ids that do not exist, many gateways and many tracks at one real store. Per flood: the managed
/// heap after a full collection before, right after and a minute after; idle CPU before and a minute after; and the
/// p99 of another tenant's traffic question while the flood runs, against its idle p99.
/// </summary>
public static class AbuseScenario
{
    public const string Flag = "abuse";
    private const int Connections = 16;
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(10);

    public const string Usage = """
        usage: bench/run.sh --scenario abuse [--requests N] [--after SECONDS] [--out PATH]
          --requests  requests per flood (default 30,000)
          --after     how long after each flood its lasting memory and CPU are measured (default 60)
          --out       results file (default bench/results/abuse.json)
        """;

    public sealed record Options(int Requests, int AfterSeconds, string Output);

    public sealed record Flood(
        string Name, int Requests, string Answers, double Seconds, double HeapBeforeMb, double HeapRightAfterMb, double HeapLaterMb,
        double IdleCpuBeforePercent, double CpuDuringPercent, double IdleCpuLaterPercent, double QuietIdleP99Ms, double QuietDuringP99Ms, int QuietSamples);

    public static bool Selected(string[] args) => args.SkipWhile(a => a != "--scenario").Skip(1).FirstOrDefault() == Flag;

    private static Options Parse(string[] args)
    {
        var options = new Options(30_000, 60, "bench/results/abuse.json");
        var line = new CommandLine(args);
        while (line.NextFlag())
        {
            options = line.Flag switch
            {
                "--scenario" => line.Value() == Flag ? options : throw line.Unknown(),
                "--requests" => options with { Requests = line.PositiveInt() },
                "--after" => options with { AfterSeconds = line.PositiveInt() },
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

        var results = Console.Out;
        Console.SetOut(Console.Error);
        using var progress = new Progress();
        progress.Start("start the product");
        await using var host = await ProductHost.StartAsync();
        progress.Finish();

        var quiet = await TenantAsync(host, "Quiet", "enterprise");
        await Scaling.Json(await quiet.PostAsJsonAsync("/v1/locations", new { name = "Quiet store", slug = "quiet" }));
        var free = await TenantAsync(host, "Careless", "free");
        var busy = await TenantAsync(host, "Busy", "enterprise");
        var store = (await Scaling.Json(await busy.PostAsJsonAsync("/v1/locations", new { name = "Busy store", slug = "busy" }))).GetProperty("id").GetString()!;
        var now = DateTimeOffset.UtcNow;

        var floods = new (string Name, Func<HttpClient, int, Task<int>> Send)[]
        {
            ("random bearer keys (GET /v1/locations)", (anonymous, i) => StatusAsync(anonymous.SendAsync(Keyed(HttpMethod.Get, "/v1/locations", "hm_live_" + Random()))) ),
            ("landing track, unknown tenant_id", (anonymous, i) => StatusAsync(anonymous.PostAsync("/api/analytics/track",
                Body($$"""{"tenant_id":{{8_000_000_000L + i}},"event_type":"pageview"}""")))),
            ("ingest to random loc_ ids (free tenant's key)", (_, i) => StatusAsync(free.PostAsync($"/v1/locations/loc_{Random()[..16]}/events",
                Body(Batch($"abuse-{i}", "gw-1", "t-1", now))))),
            ("many gateways (one store, a new gateway_id each)", (_, i) => StatusAsync(busy.PostAsync($"/v1/locations/{store}/events",
                Body(Batch($"gw-{i}", $"gateway-{i}", "t-1", now))))),
            ("many tracks (one store, a new track_id each)", (_, i) => StatusAsync(busy.PostAsync($"/v1/locations/{store}/events",
                Body(Batch($"tr-{i}", "gw-tracks", $"track-{i}", now))))),
        };

        var idleP99 = await QuietP99Async(quiet, progress, "the other tenant's idle p99 (12 s)");
        var measured = new List<Flood>();
        foreach (var (name, send) in floods)
        {
            measured.Add(await RunFloodAsync(host, name, send, quiet, idleP99, options, progress));
        }

        await results.WriteAsync(Markdown(measured, options));
        await results.FlushAsync();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Output))!);
        await File.WriteAllTextAsync(options.Output, JsonSerializer.Serialize(new { options, floods = measured },
            new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
        progress.Note($"results written to {options.Output}");
        return 0;
    }

    private static async Task<Flood> RunFloodAsync(ProductHost host, string name, Func<HttpClient, int, Task<int>> send,
        HttpClient quiet, double idleP99, Options options, Progress progress)
    {
        var heapBefore = Scaling.HeapAfterFullCollection();
        progress.Start($"{name}: idle CPU before");
        var idleBefore = await IdleCpuAsync();
        progress.Finish($"{idleBefore:F1}%");

        progress.Start($"{name}: {options.Requests:N0} requests", options.Requests);
        using var stop = new CancellationTokenSource();
        var quietSamples = QuietSamplesAsync(quiet, stop.Token);
        var statuses = new Dictionary<int, int>();
        var next = -1;
        var cpu = Cpu.ProcessSeconds();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            using var anonymous = host.Client(null);
            var mine = new Dictionary<int, int>();
            for (var i = Interlocked.Increment(ref next); i < options.Requests; i = Interlocked.Increment(ref next))
            {
                var status = await send(anonymous, i);
                mine[status] = mine.GetValueOrDefault(status) + 1;
                progress.Add(1);
            }

            lock (statuses)
            {
                foreach (var (status, count) in mine)
                {
                    statuses[status] = statuses.GetValueOrDefault(status) + count;
                }
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        var during = 100 * (Cpu.ProcessSeconds() - cpu) / seconds;
        await stop.CancelAsync();
        var latencies = await quietSamples;
        progress.Finish($"{options.Requests / seconds:N0} requests/s");
        var heapRightAfter = Scaling.HeapAfterFullCollection();

        progress.Start($"{name}: {options.AfterSeconds} s later");
        await Task.Delay(TimeSpan.FromSeconds(options.AfterSeconds) - IdleWindow);
        var idleLater = await IdleCpuAsync();
        var heapLater = Scaling.HeapAfterFullCollection();
        progress.Finish($"{(heapLater - heapBefore) / 1e6:F1} MB kept, idle CPU {idleLater:F1}%");

        var answers = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Value:N0}× {s.Key}"));
        return new Flood(name, options.Requests, answers, seconds, heapBefore / 1e6, heapRightAfter / 1e6, heapLater / 1e6,
            idleBefore, during, idleLater, idleP99, Stats.Percentile(latencies, 99), latencies.Count);
    }

    private static async Task<double> IdleCpuAsync()
    {
        var cpu = Cpu.ProcessSeconds();
        var clock = Stopwatch.StartNew();
        await Task.Delay(IdleWindow);
        return 100 * (Cpu.ProcessSeconds() - cpu) / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The other tenant's question (visitors per hour of today at its store), one at a time, until stopped.</summary>
    private static async Task<List<double>> QuietSamplesAsync(HttpClient quiet, CancellationToken stop)
    {
        var latencies = new List<double>();
        var path = $"/v1/traffic/impression-counts/quiet/{DateTime.UtcNow:yyyy-MM-dd}";
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await quiet.GetAsync(path, CancellationToken.None);
            await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
            response.EnsureSuccessStatusCode();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return latencies;
    }

    private static async Task<double> QuietP99Async(HttpClient quiet, Progress progress, string what)
    {
        progress.Start(what);
        using var stop = new CancellationTokenSource();
        var sampling = QuietSamplesAsync(quiet, stop.Token);
        // Warm-up (JIT tier-up) and the sample in one stretch; the first fifth is dropped.
        await Task.Delay(TimeSpan.FromSeconds(12));
        await stop.CancelAsync();
        var latencies = await sampling;
        progress.Finish($"{latencies.Count:N0} samples");
        return Stats.Percentile(latencies.Skip(latencies.Count / 5).ToList(), 99);
    }

    private static async Task<HttpClient> TenantAsync(ProductHost host, string name, string plan)
    {
        using var admin = host.Client(ProductHost.AdminKey);
        var tenant = await Scaling.Json(await admin.PostAsJsonAsync("/v1/tenants", new { name, plan }));
        return host.Client(tenant.GetProperty("api_key").GetString());
    }

    private static async Task<int> StatusAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        await response.Content.ReadAsByteArrayAsync();
        return (int)response.StatusCode;
    }

    private static HttpRequestMessage Keyed(HttpMethod method, string path, string key) =>
        new(method, path) { Headers = { { "Authorization", "Bearer " + key } } };

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Batch(string batchId, string gateway, string track, DateTimeOffset ts) =>
        $$"""{"batch_id":"{{batchId}}","gateway_id":"{{gateway}}","events":[{"type":"position","track_id":"{{track}}","ts":"{{ts:yyyy-MM-dd'T'HH:mm:ss'Z'}}","x":10,"y":10}]}""";

    private static string Random() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static string Markdown(List<Flood> floods, Options options)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## Abuse: {options.Requests:N0}-request floods, {Connections} connections, embedded, loopback");
        md.AppendLine();
        md.AppendLine("| flood | answers | req/s | heap kept after " + options.AfterSeconds + " s (goal < 20 MB) | right after | idle CPU before → " + options.AfterSeconds + " s after (goal: back to before) | CPU during | other tenant p99 idle → during (goal ≤ 2×) |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var f in floods)
        {
            var kept = f.HeapLaterMb - f.HeapBeforeMb;
            var ratio = f.QuietDuringP99Ms / f.QuietIdleP99Ms;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {f.Name} | {f.Answers} | {f.Requests / f.Seconds:N0} | {kept:F1} MB {(kept < 20 ? "✓" : "✗")} | {f.HeapRightAfterMb - f.HeapBeforeMb:F1} MB | " +
                $"{f.IdleCpuBeforePercent:F1}% → {f.IdleCpuLaterPercent:F1}% {(f.IdleCpuLaterPercent <= f.IdleCpuBeforePercent + 1 ? "✓" : "✗")} | {f.CpuDuringPercent:F0}% | " +
                $"{f.QuietIdleP99Ms:F1} → {f.QuietDuringP99Ms:F1} ms ({ratio:F1}×, {f.QuietSamples:N0} samples) {(ratio <= 2 ? "✓" : "✗")} |");
        }

        md.AppendLine();
        md.AppendLine("Heap: managed heap after a forced full collection, minus the figure before the flood. CPU: this process (product and flood clients) as a share of one core; the idle windows are 10 s with every client stopped. \"Other tenant\": an enterprise tenant asking its store's traffic counts one at a time throughout.");
        return md.ToString();
    }
}
