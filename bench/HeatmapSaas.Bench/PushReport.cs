using System.Globalization;
using System.Text;

namespace HeatmapSaas.Bench;

/// <summary>The push-latency results: a markdown table on stdout and a JSON file.</summary>
public sealed record PushReport(PushOptions Options, TimeSpan PushInterval, Dictionary<string, string> Machine, CpuWindow Alone, IReadOnlyList<PushCaseResult> Cases, TimeSpan Elapsed)
{
    /// <summary>The goal of issue 4: p99 under 250 ms plus the coalescing interval, at 1,000 connections.</summary>
    public double GoalMs => 250 + PushInterval.TotalMilliseconds;

    public string Markdown()
    {
        var o = Options;
        var md = new StringBuilder();
        md.AppendLine();
        md.AppendLine("## HeatmapSaas live push latency");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"One gateway posts {o.BatchesPerSecond} batches/s of {o.EventsPerBatch} position events to one store over HTTP; dashboards are real SignalR " +
            $"clients (WebSockets) subscribed to its customer-flow heatmaps, spread round-robin. `Heatmap:Live:PushInterval` = {PushInterval.TotalMilliseconds:F0} ms. " +
            $"The product runs in a child process (its CPU below); the gateway and the dashboards share this bench process. Medians of {o.Reps} runs of " +
            $"{o.Seconds} s after a warm-up. Machine: {Machine["cores"]} cores, {Machine["runtime"]}, shared with other work (load average {Machine["load_average_at_end"]} at the end). Took {Elapsed:m\\:ss}.");
        md.AppendLine();
        md.AppendLine("| dashboards × heatmaps | push p50 / p99 | p99 of each run | every batch: ack → first push with it, p50 / p99 | pushes timed | missed | gateway: batch → 202, p50 / p99 | CPU: product idle-watching | CPU: product pushing | CPU: bench (clients) pushing | CPU: rest of machine |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in Cases)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Case.Connections:N0} × {c.Case.Heatmaps} | **{c.MedianP50:F0} / {c.MedianP99:F0} ms** | {string.Join(" / ", c.Runs.Select(r => r.P99.ToString("F0", CultureInfo.InvariantCulture)))} | " +
                $"{c.MedianBatchP50:F0} / {c.MedianBatchP99:F0} ms | {c.Pushes:N0} | {c.Missing:N0} | {c.MedianRoundTripP50:F1} / {c.MedianRoundTripP99:F1} ms | {c.Idle.ServerPercent:F1}% | {c.MedianServerPercent:F1}% | " +
                $"{c.MedianBenchPercent:F1}% | {(c.MedianOtherPercent is { } other ? $"{other:F0}%" : "–")} |");
        }

        md.AppendLine();
        md.AppendLine(
            "Push latency: per push and dashboard, its arrival minus the 202 of the batch its `ts` names (the newest batch it carries). " +
            "\"Every batch\": per batch and dashboard, the arrival of the first push that includes it minus its 202 (the older batches of a coalesced push wait longer). " +
            "CPU is a share of one core, from /proc (10 ms ticks); on a shared machine a difference of a few tenths of a percent is noise. " +
            "\"Missed\" counts batches a dashboard never heard of within 30 s.");
        md.AppendLine(CultureInfo.InvariantCulture, $"The product alone, idle (no dashboards, no gateway, after an unreported warm-up case): {Alone.ServerPercent:F1}% of a core.");
        md.AppendLine();
        foreach (var line in Verdicts())
        {
            md.AppendLine(line + "  ");
        }

        return md.ToString();
    }

    /// <summary>The goal at 1,000+ connections, and what 1,000 connections cost beyond one (when both were run).</summary>
    public IEnumerable<string> Verdicts()
    {
        foreach (var c in Cases.Where(c => c.Case.Connections >= 1_000))
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"Goal at {c.Case.Connections:N0} × {c.Case.Heatmaps}: p99 {c.MedianP99:F0} ms {(c.MedianP99 < GoalMs ? "<" : "≥")} {GoalMs:F0} ms — {(c.MedianP99 < GoalMs ? "met" : "missed")}.");
        }

        if (Cases.FirstOrDefault(c => c.Case.Connections == 1) is not { } one)
        {
            yield break;
        }

        foreach (var c in Cases.Where(c => c.Case.Connections > 1))
        {
            var per1000 = 1_000.0 / (c.Case.Connections - 1);
            yield return string.Create(CultureInfo.InvariantCulture,
                $"Product CPU per 1,000 connections ({c.Case.Name} minus 1x1): idle-watching {(c.Idle.ServerPercent - one.Idle.ServerPercent) * per1000:F1}% of a core, " +
                $"pushing {(c.MedianServerPercent - one.MedianServerPercent) * per1000:F1}% of a core.");
        }
    }

    public string WriteJson()
    {
        var document = new
        {
            Scenario = "push",
            Finished = DateTimeOffset.UtcNow,
            Command = "bench/run.sh " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            ElapsedSeconds = Math.Round(Elapsed.TotalSeconds, 1),
            Options,
            PushIntervalMs = PushInterval.TotalMilliseconds,
            GoalMs,
            Machine,
            AloneIdleCpu = Cpu(Alone),
            Cases = Cases.Select(c => new
            {
                c.Case.Connections, c.Case.Heatmaps, ConnectSeconds = Math.Round(c.ConnectSeconds, 2),
                MedianP50Ms = c.MedianP50, MedianP99Ms = c.MedianP99, MedianBatchP50Ms = c.MedianBatchP50, MedianBatchP99Ms = c.MedianBatchP99,
                MedianRoundTripP50Ms = c.MedianRoundTripP50, MedianRoundTripP99Ms = c.MedianRoundTripP99, c.Pushes, c.Missing,
                IdleCpu = Cpu(c.Idle),
                Runs = c.Runs.Select(r => new
                {
                    r.Batches, Pushes = r.PushMs.Count, P50Ms = r.P50, P99Ms = r.P99, MaxMs = r.Max, BatchP50Ms = r.BatchP50, BatchP99Ms = r.BatchP99,
                    RoundTripP50Ms = r.RoundTripP50, RoundTripP99Ms = r.RoundTripP99, r.Missing, Cpu = Cpu(r.Cpu),
                }),
            }),
            Verdicts = Verdicts().ToArray(),
        };
        return ResultsFile.Write(document, Options.Output, "push-latency.json");

        static object Cpu(CpuWindow w) => new
        {
            Seconds = Math.Round(w.Seconds, 2),
            ProductPercent = Math.Round(w.ServerPercent, 2),
            BenchPercent = Math.Round(w.BenchPercent, 2),
            OtherPercent = w.OtherPercent is { } o ? Math.Round(o, 1) : (double?)null,
        };
    }
}
