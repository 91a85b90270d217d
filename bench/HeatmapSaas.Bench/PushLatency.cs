using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HeatmapSaas.Grains.Live;

namespace HeatmapSaas.Bench;

/// <summary>
/// <c>--scenario push</c>: how long after a gateway's 202 a watching dashboard sees the change (bench/README.md,
/// "Push-latency benchmark"). The product runs in a child process; the gateway and the dashboards run here.
/// </summary>
public sealed class PushLatency(PushOptions options, Progress progress)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static bool Selected(string[] args) =>
        Array.IndexOf(args, "--scenario") is var i && i >= 0 && i + 1 < args.Length && args[i + 1] == "push";

    /// <summary>The scenario's own command line: markdown on stdout, progress on stderr, JSON in bench/results.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        if (!CommandLine.TryParse(args, PushOptions.Usage, PushOptions.Parse, out var options, out var exit))
        {
            return exit;
        }

        var results = Console.Out;
        Console.SetOut(Console.Error);
        using var progress = new Progress();
        var report = await new PushLatency(options, progress).RunAsync();
        await results.WriteAsync(report.Markdown());
        await results.FlushAsync();
        progress.Note($"results written to {report.WriteJson()}");
        return 0;
    }

    public async Task<PushReport> RunAsync()
    {
        var started = Stopwatch.StartNew();
        progress.Start("starting the product in a child process");
        await using var product = await ProductProcess.StartProductAsync();
        progress.Finish($"pid {product.Pid}, {product.BaseAddress}");
        // A short unreported case first, so that start-up work (JIT tiering, silo start) is not billed to the first case.
        await RunCaseAsync(product, new PushCase(10, 2), reps: 1);
        progress.Start("product alone, idle");
        var alone = await MeasureCpuAsync(product, () => Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds)));
        progress.Finish($"product {alone.ServerPercent:F1}% of a core");
        var results = new List<PushCaseResult>();
        foreach (var pushCase in options.Cases)
        {
            results.Add(await RunCaseAsync(product, pushCase, options.Reps));
        }

        var machine = new Dictionary<string, string>
        {
            ["cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            ["load_average_at_end"] = Cpu.LoadAverage(),
        };
        return new PushReport(options, new LiveOptions().PushInterval, machine, alone, results, started.Elapsed);
    }

    private async Task<PushCaseResult> RunCaseAsync(ProductProcess product, PushCase pushCase, int reps)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var (apiKey, location, heatmaps) = await CreateStoreAsync(product.BaseAddress, pushCase);
        using var http = Client(product.BaseAddress, apiKey);
        var gateway = new PushGateway(http, location, options.EventsPerBatch);

        progress.Start($"{pushCase.Name}: connecting dashboards", pushCase.Connections);
        var connecting = Stopwatch.StartNew();
        var dashboards = new Dashboard[pushCase.Connections];
        using var gate = new SemaphoreSlim(32);
        await Task.WhenAll(Enumerable.Range(0, pushCase.Connections).Select(async i =>
        {
            await gate.WaitAsync(cancel.Token);
            try
            {
                dashboards[i] = await Dashboard.ConnectAsync(product.BaseAddress, apiKey, heatmaps[i % heatmaps.Length], cancel.Token);
                progress.Add(1);
            }
            finally
            {
                gate.Release();
            }
        }));
        var connectSeconds = connecting.Elapsed.TotalSeconds;
        progress.Finish($"{connectSeconds:F1} s");

        try
        {
            progress.Start($"{pushCase.Name}: warm-up");
            var warmUp = await gateway.SendAsync(Math.Max(10, options.BatchesPerSecond * 5), options.BatchesPerSecond, cancel.Token);
            await AllHeardAsync(dashboards, warmUp[^1].Ts, cancel.Token);
            progress.Finish();

            // Watching only: let the coalescing timers run out, then measure what connected dashboards cost.
            await Task.Delay(TimeSpan.FromSeconds(1), cancel.Token);
            progress.Start($"{pushCase.Name}: idle, watching only");
            var idle = await MeasureCpuAsync(product, () => Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds), cancel.Token));
            progress.Finish($"product {idle.ServerPercent:F1}% of a core");

            var runs = new List<PushRun>();
            for (var rep = 1; rep <= reps; rep++)
            {
                foreach (var dashboard in dashboards)
                {
                    dashboard.TakeHeard();
                }

                progress.Start($"{pushCase.Name}: run {rep}/{reps}");
                var batches = options.BatchesPerSecond * options.Seconds;
                List<Ack> acks = [];
                var cpu = await MeasureCpuAsync(product, async () => acks = await gateway.SendAsync(batches, options.BatchesPerSecond, cancel.Token));
                await AllHeardAsync(dashboards, acks[^1].Ts, cancel.Token);
                var run = Timings(acks, dashboards, cpu);
                runs.Add(run);
                progress.Finish($"p50 {run.P50:F0} ms, p99 {run.P99:F0} ms, product {cpu.ServerPercent:F0}%");
            }

            return new PushCaseResult(pushCase, connectSeconds, idle, runs);
        }
        finally
        {
            progress.Start($"{pushCase.Name}: closing dashboards");
            foreach (var chunk in dashboards.Where(d => d is not null).Chunk(64))
            {
                await Task.WhenAll(chunk.Select(d => d.DisposeAsync().AsTask()));
            }

            progress.Finish();
        }
    }

    /// <summary>Waits until every dashboard has heard the batch with this <c>ts</c> (or a newer one); the rest count as missing.</summary>
    private async Task AllHeardAsync(Dashboard[] dashboards, long ts, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        while (dashboards.Any(d => d.NewestTs < ts) && deadline.Elapsed < Patience)
        {
            await Task.Delay(50, cancel);
        }

        var behind = dashboards.Count(d => d.NewestTs < ts);
        if (behind > 0)
        {
            progress.Note($"{behind} dashboards did not hear the last batch within {Patience.TotalSeconds} s");
        }
    }

    private static PushRun Timings(List<Ack> acks, Dashboard[] dashboards, CpuWindow cpu)
    {
        var ackTicks = acks.ToDictionary(a => a.Ts, a => a.Ticks);
        var pushMs = new List<double>();
        var batchMs = new List<double>();
        var missing = 0L;
        foreach (var dashboard in dashboards)
        {
            var heard = dashboard.TakeHeard().Where(h => ackTicks.ContainsKey(h.Ts)).ToArray();
            var previous = long.MinValue;
            foreach (var push in heard)
            {
                // A push whose cells span two buckets arrives as two frames with one ts: it is one push.
                if (push.Ts != previous)
                {
                    pushMs.Add(Stopwatch.GetElapsedTime(ackTicks[push.Ts], push.Ticks).TotalMilliseconds * Sign(ackTicks[push.Ts], push.Ticks));
                }

                previous = push.Ts;
            }

            var next = 0;
            foreach (var ack in acks)
            {
                while (next < heard.Length && heard[next].Ts < ack.Ts)
                {
                    next++;
                }

                if (next == heard.Length)
                {
                    missing++;
                    continue;
                }

                batchMs.Add(Stopwatch.GetElapsedTime(ack.Ticks, heard[next].Ticks).TotalMilliseconds * Sign(ack.Ticks, heard[next].Ticks));
            }
        }

        return new PushRun(acks.Count, pushMs, batchMs, missing, cpu, acks.Select(a => a.RoundTripMs).ToList());

        // A push can overtake its own 202 on the way back; GetElapsedTime is absolute, so the sign is restored here.
        static int Sign(long from, long to) => to >= from ? 1 : -1;
    }

    private static async Task<CpuWindow> MeasureCpuAsync(ProductProcess product, Func<Task> during)
    {
        var server = product.CpuSeconds();
        var bench = Cpu.ProcessSeconds();
        var machine = Cpu.MachineBusySeconds();
        var clock = Stopwatch.StartNew();
        await during();
        var seconds = clock.Elapsed.TotalSeconds;
        var serverUsed = product.CpuSeconds() - server;
        var benchUsed = Cpu.ProcessSeconds() - bench;
        return new CpuWindow(seconds, serverUsed, benchUsed, Cpu.MachineBusySeconds() - machine - serverUsed - benchUsed);
    }

    /// <summary>A fresh tenant with one store and the case's customer-flow heatmaps of it, over the REST API.</summary>
    private static async Task<(string ApiKey, string Location, string[] Heatmaps)> CreateStoreAsync(Uri baseAddress, PushCase pushCase)
    {
        using var admin = Client(baseAddress, ProductHost.AdminKey);
        var tenant = await Json(await admin.PostAsJsonAsync("/v1/tenants", new { name = $"Push {pushCase.Name}", plan = "enterprise", timezone = "UTC" }));
        var apiKey = tenant.GetProperty("api_key").GetString()!;
        using var http = Client(baseAddress, apiKey);
        var location = (await Json(await http.PostAsJsonAsync("/v1/locations", new
        {
            name = "Push Store",
            type = "retail",
            timezone = "UTC",
            floor_plan = new { width = 1000, height = 1000 },
        }))).GetProperty("id").GetString()!;
        var heatmaps = new string[pushCase.Heatmaps];
        for (var i = 0; i < heatmaps.Length; i++)
        {
            heatmaps[i] = (await Json(await http.PostAsJsonAsync("/v1/heatmaps", new { name = $"Flow {i + 1}", location_id = location, type = "customer_flow" })))
                .GetProperty("id").GetString()!;
        }

        return (apiKey, location, heatmaps);
    }

    private static HttpClient Client(Uri baseAddress, string apiKey)
    {
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(1) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
            }

            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }
}
