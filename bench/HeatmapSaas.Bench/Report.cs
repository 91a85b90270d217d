using System.Globalization;
using System.Text;

namespace HeatmapSaas.Bench;

/// <summary>The markdown on stdout and bench/results/latest.json.</summary>
public static class Report
{
    public static string Markdown(BenchReport r)
    {
        var w = r.Workload;
        var o = r.Options;
        var md = new StringBuilder();
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"## HeatmapSaas ingest & query benchmark{(o.Quick ? " (--quick)" : "")}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{w.Events:N0} events for {o.Locations} stores in {w.Batches:N0} JSON batches of {o.BatchSize:N0} ({w.Bytes / 1048576.0:F1} MiB): " +
            $"{w.Tracks:N0} visits, {w.Positions:N0} positions (~1/s per person), {w.Interactions:N0} interactions, {w.TrackEnds:N0} track ends, " +
            $"{w.Conversions:N0} conversions; ts {w.FirstTs:yyyy-MM-dd HH:mm}–{w.LastTs:HH:mm} UTC. " +
            $"Medians of {o.Reps} runs after warm-up runs (≥ 2 runs and ≥ {Bench.WarmUpSeconds} s); one contender at a time, the rounds taking turns in a rotating order. Machine: {Machine(r)}. Took {r.Elapsed:m\\:ss}.");
        md.AppendLine();

        md.AppendLine("| contender | what is measured | median | runs | CPU: bench process | CPU: PostgreSQL | CPU: rest of machine | bench process: allocated per event, GC pause | batch round trip p50 / p99 |");
        md.AppendLine("|---|---|---:|---|---:|---:|---:|---:|---:|");
        foreach (var name in new[]
                 {
                     Bench.Embedded, Bench.HttpFloor, Bench.CopyPerBatch, Bench.CopyStreamed, Bench.CeilingApply, Bench.CeilingParse,
                     Bench.Durable, Bench.DurableCopyPerBatch, Bench.DuckDbPerBatch,
                 })
        {
            if (r.Find(name) is not { } t)
            {
                continue;
            }

            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {Title(name)} | {t.What} | **{t.Median:N0} {t.Unit}** | {string.Join(" / ", t.Runs.Select(x => Short(x.PerSecond)))} | " +
                $"{t.MedianProcessCpuPercent:F0}% | {(t.MedianServerCpuPercent is { } s ? $"{s:F0}%" : "–")} | " +
                $"{(t.MedianOtherCpuPercent is { } other ? $"{other:F0}%" : "–")} | " +
                $"{t.MedianAllocatedBytesPerItem:N0} B, {t.MedianGcPausePercent:F0}% | " +
                $"{(t.MedianBatchP50Ms is { } p50 && t.MedianBatchP99Ms is { } p99 ? $"{Ms(p50)} / {Ms(p99)} ms" : "–")} |");
        }

        md.AppendLine();
        var cores = int.Parse(r.Machine["cores"], CultureInfo.InvariantCulture);
        md.AppendLine(
            $"CPU is a share of one core ({cores} cores = {100 * cores}%). The embedded product's and the HTTP floor's figures cover the gateways (HTTP clients) and the server together: they share this process. " +
            "\"Rest of machine\" is what everything else used meanwhile (other users' builds and tests on a shared box): the higher it is, the less a figure is worth.");
        md.AppendLine();

        foreach (var (when, idle) in r.IdleCpu)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"Idle CPU ({when}): bench process {idle.ProcessCpuPercent:F0}%{(idle.ServerCpuPercent is { } pg ? $", PostgreSQL {pg:F0}%" : "")}" +
                $"{(idle.OtherCpuPercent is { } rest ? $", rest of machine {rest:F0}%" : "")}.  ");
        }

        md.AppendLine();
        md.AppendLine("| ratio | value |");
        md.AppendLine("|---|---:|");
        foreach (var (label, value) in Ratios(r))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {Times(value)} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Queries about {w.QueryDate:yyyy-MM-dd}{(w.HeatmapDays > 1 ? $" (heatmap: {w.HeatmapFirstDate:yyyy-MM-dd}..{w.HeatmapLastDate:yyyy-MM-dd}, hourly)" : "")} ({w.TimeZone}), one client, one request at a time, round-robin over the stores, answers read and parsed; " +
            $"heatmap cells of {w.HeatmapCellSize} units, at most {w.MaxCellsPerBucket:N0} non-empty in one store's 15-minute bucket; " +
            $"{o.QueryIterations} samples idle after {Math.Max(10, o.QueryIterations / 10)} warm-up queries (the product: at least 200, past its JIT's tier-up) (the systems and queries taking turns), and those that finished while a full ingest of the same events into other stores ran. Milliseconds.");
        md.AppendLine();
        md.AppendLine("| query | condition | PostgreSQL p50 | PostgreSQL p99 | product p50 | product p99 | p99 PostgreSQL ÷ product | samples (PG / product) |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---|");
        foreach (var group in r.Latency.GroupBy(l => (l.Query, l.Condition)))
        {
            var pg = group.FirstOrDefault(l => l.System == "postgres");
            var product = group.FirstOrDefault(l => l.System == "product");
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key.Query} | {group.Key.Condition} | {Ms(pg?.P50)} | {Ms(pg?.P99)} | {Ms(product?.P50)} | {Ms(product?.P99)} | " +
                $"{Times(pg is null || product is null ? null : pg.P99 / product.P99)} | {pg?.SamplesMs.Count ?? 0} / {product?.SamplesMs.Count ?? 0} |");
        }

        if (r.Latency.Any(l => l.System == "duckdb"))
        {
            md.AppendLine();
            md.AppendLine("| query | condition | DuckDB p50 | DuckDB p99 | product p50 | product p99 | p99 DuckDB ÷ product |");
            md.AppendLine("|---|---|---:|---:|---:|---:|---:|");
            foreach (var group in r.Latency.GroupBy(l => (l.Query, l.Condition)))
            {
                if (group.FirstOrDefault(l => l.System == "duckdb") is not { } duck)
                {
                    continue;
                }

                var product = group.FirstOrDefault(l => l.System == "product");
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {group.Key.Query} | {group.Key.Condition} | {Ms(duck.P50)} | {Ms(duck.P99)} | {Ms(product?.P50)} | {Ms(product?.P99)} | " +
                    $"{Times(product is null ? null : duck.P99 / product.P99)} |");
            }

            var agreeing = r.ProductAnswers.Count(p => r.DuckDbAnswers.TryGetValue(p.Key, out var d) && d.SameAs(p.Value));
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"DuckDB's answers agree with the product's for {agreeing} of {r.ProductAnswers.Count} stores.");
        }

        foreach (var system in new[] { "product", "postgres" })
        {
            foreach (var loaded in new[] { r.Find($"{system}-ingest-while-queried"), r.Find($"{system}-ingest-while-queried-paced") })
            {
                if (loaded is not null)
                {
                    md.AppendLine();
                    md.AppendLine(CultureInfo.InvariantCulture,
                        $"{(system == "product" ? "Product" : "PostgreSQL (COPY per batch)")} {loaded.What}: " +
                        $"{string.Join(" / ", loaded.Runs.Select(x => Short(x.PerSecond)))} {loaded.Unit}.");
                }
            }
        }

        md.AppendLine();
        md.AppendLine(Agreement(r));
        md.AppendLine();
        return md.ToString();
    }

    public static IEnumerable<(string Label, double? Value)> Ratios(BenchReport r)
    {
        double? Rate(string name) => r.Find(name)?.Median;
        double? Div(double? a, double? b) => a is { } x && b is { } y && y != 0 ? x / y : null;
        var embedded = Rate(Bench.Embedded);
        yield return ("embedded ingest ÷ PostgreSQL COPY per batch (rows/s)", Div(embedded, Rate(Bench.CopyPerBatch)));
        yield return ("embedded ingest ÷ PostgreSQL COPY streamed (rows/s)", Div(embedded, Rate(Bench.CopyStreamed)));
        yield return ("embedded ingest ÷ in-process ceiling (1 thread)", Div(embedded, Rate(Bench.CeilingApply)));
        yield return ("embedded ingest ÷ HTTP floor (same clients, no-op server)", Div(embedded, Rate(Bench.HttpFloor)));
        yield return ("durable ingest (PostgreSQL mode) ÷ PostgreSQL COPY per batch, both durable (rows/s)",
            Div(Rate(Bench.Durable), Rate(Bench.DurableCopyPerBatch)));
        yield return ("embedded ingest ÷ DuckDB appender per batch (rows/s)", Div(embedded, Rate(Bench.DuckDbPerBatch)));
        foreach (var group in r.Latency.GroupBy(l => (l.Query, l.Condition)))
        {
            var duck = group.FirstOrDefault(l => l.System == "duckdb");
            var product = group.FirstOrDefault(l => l.System == "product");
            if (duck is not null)
            {
                yield return ($"query p99 DuckDB ÷ product: {group.Key.Query}, {group.Key.Condition}", product is null ? null : duck.P99 / product.P99);
            }
        }

        foreach (var group in r.Latency.GroupBy(l => (l.Query, l.Condition)))
        {
            var pg = group.FirstOrDefault(l => l.System == "postgres");
            var product = group.FirstOrDefault(l => l.System == "product");
            yield return ($"query p99 PostgreSQL ÷ product: {group.Key.Query}, {group.Key.Condition}",
                pg is null || product is null ? null : pg.P99 / product.P99);
        }
    }

    public static string Agreement(BenchReport r)
    {
        if (r.ProductAnswers.Count == 0 || r.PostgresAnswers.Count == 0)
        {
            return "Answers: not compared (a system did not run).";
        }

        var differing = r.ProductAnswers.Where(p => !r.PostgresAnswers.TryGetValue(p.Key, out var pg) || !pg.SameAs(p.Value)).Select(p => p.Key).ToList();
        var visitors = r.ProductAnswers.Values.Sum(a => a.Visitors);
        var points = r.ProductAnswers.Values.Sum(a => a.HeatmapPoints);
        var samples = r.ProductAnswers.Values.Sum(a => a.HeatmapSamples);
        if (differing.Count == 0)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"Answers agree for all {r.ProductAnswers.Count} stores: the same visitors in every local hour ({visitors:N0} in all), " +
                $"the same {points:N0} heatmap (hour, cell) points holding {samples:N0} position samples.");
        }

        var lines = new StringBuilder($"**Answers differ** for {differing.Count} of {r.ProductAnswers.Count} stores:");
        foreach (var slug in differing)
        {
            var p = r.ProductAnswers[slug];
            var q = r.PostgresAnswers.GetValueOrDefault(slug);
            lines.Append(CultureInfo.InvariantCulture,
                $" {slug}: product {p.Visitors} visitors/{p.HeatmapPoints} points/{p.HeatmapSamples} samples vs PostgreSQL " +
                $"{q?.Visitors} / {q?.HeatmapPoints} / {q?.HeatmapSamples};");
        }

        return lines.ToString();
    }

    public static string WriteJson(BenchReport r, string? output)
    {
        var w = r.Workload;
        var document = new
        {
            Finished = DateTimeOffset.UtcNow,
            Command = "bench/run.sh " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            ElapsedSeconds = Math.Round(r.Elapsed.TotalSeconds, 1),
            r.Options,
            r.Machine,
            r.Settings,
            Workload = new
            {
                w.Events, w.Batches, w.Bytes, w.Tracks, w.Positions, w.Interactions, w.TrackEnds, w.Conversions,
                w.FirstTs, w.LastTs, w.TimeZone, QueryDate = w.QueryDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            },
            Throughput = r.Throughput.Select(t => new
            {
                t.Name, t.What, t.Unit, t.Median, t.Best, t.MedianProcessCpuPercent, t.MedianServerCpuPercent, t.MedianOtherCpuPercent,
                Runs = t.Runs.Select(Run), WarmUp = Run(t.WarmUp),
            }),
            Latency = r.Latency.Select(l => new
            {
                l.Query, l.System, l.Condition, Samples = l.SamplesMs.Count, P50Ms = l.P50, P99Ms = l.P99, MeanMs = l.Mean, MaxMs = l.Max,
            }),
            IdleCpu = r.IdleCpu.ToDictionary(i => i.Key, i => Run(i.Value)),
            Ratios = Ratios(r).ToDictionary(x => x.Label, x => x.Value),
            Agreement = Agreement(r),
            Answers = r.ProductAnswers.Keys.Select(slug => new
            {
                Store = slug,
                Product = r.ProductAnswers[slug],
                Postgres = r.PostgresAnswers.GetValueOrDefault(slug),
            }),
        };
        return ResultsFile.Write(document, output, "latest.json");

        static object Run(ThroughputRun x) => new
        {
            x.Items, Seconds = Math.Round(x.Seconds, 4), PerSecond = Math.Round(x.PerSecond),
            ProcessCpuPercent = Math.Round(x.ProcessCpuPercent, 1), ServerCpuPercent = x.ServerCpuPercent is { } s ? Math.Round(s, 1) : (double?)null,
            OtherCpuPercent = x.OtherCpuPercent is { } o ? Math.Round(o, 1) : (double?)null,
            x.BatchP50Ms, x.BatchP99Ms,
            AllocatedBytesPerEvent = Math.Round(x.AllocatedBytesPerItem), GcPausePercent = Math.Round(x.GcPausePercent, 1), x.Gen2Collections,
        };
    }

    private static string Machine(BenchReport r)
    {
        var m = r.Machine;
        return string.Join(", ", new[]
        {
            $"{m["cores"]} cores" + (m.TryGetValue("cpu", out var cpu) ? $" ({cpu})" : ""),
            m.GetValueOrDefault("memory"),
            $"{m["runtime"]} ({m["gc"]} GC)",
            m.TryGetValue("postgres", out var pg) ? $"PostgreSQL {pg} ({r.Settings["postgres"]})" : null,
        }.Where(s => s is not null));
    }

    private static string Title(string name) => name switch
    {
        Bench.Embedded => "**Embedded product ingest** (HTTP)",
        Bench.HttpFloor => "HTTP floor (no-op server)",
        Bench.CopyPerBatch => "**PostgreSQL COPY**, per batch",
        Bench.CopyStreamed => "PostgreSQL COPY, streamed",
        Bench.CeilingApply => "**In-process ceiling**",
        Bench.CeilingParse => "parse only",
        Bench.Durable => "**Durable product ingest** (PostgreSQL mode, HTTP)",
        Bench.DurableCopyPerBatch => "**PostgreSQL COPY**, per batch, durable server",
        Bench.DuckDbPerBatch => "**DuckDB** appender, per batch (in memory)",
        _ => name,
    };

    private static string Short(double perSecond) =>
        perSecond >= 1_000_000 ? (perSecond / 1_000_000).ToString("0.00", CultureInfo.InvariantCulture) + "M"
        : perSecond >= 1_000 ? (perSecond / 1_000).ToString("0", CultureInfo.InvariantCulture) + "k"
        : perSecond.ToString("0", CultureInfo.InvariantCulture);

    private static string Ms(double? ms) => ms is { } v && !double.IsNaN(v) ? v.ToString(v < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) : "–";

    private static string Times(double? ratio) => ratio is { } v && !double.IsNaN(v) && !double.IsInfinity(v)
        ? v.ToString(v < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + "×"
        : "–";
}
