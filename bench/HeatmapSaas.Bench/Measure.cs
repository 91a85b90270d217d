using System.Diagnostics;
using System.Globalization;

namespace HeatmapSaas.Bench;

/// <summary>One timed run of a throughput contender.</summary>
public sealed record ThroughputRun(long Items, double Seconds, double ProcessCpuSeconds, double? ServerCpuSeconds)
{
    /// <summary>
    /// CPU the rest of the machine used meanwhile (all busy time in /proc/stat minus this process and the
    /// PostgreSQL server), as a share of one core: on a shared machine, how much the run had to give away.
    /// </summary>
    public double? OtherCpuSeconds { get; init; }

    /// <summary>Bytes this process allocated during the run (client and server alike for the HTTP contenders).</summary>
    public long AllocatedBytes { get; init; }

    /// <summary>Time this process spent paused for garbage collection during the run.</summary>
    public double GcPauseSeconds { get; init; }

    public int Gen2Collections { get; init; }

    public double AllocatedBytesPerItem => Items == 0 ? 0 : (double)AllocatedBytes / Items;

    public double GcPausePercent => 100 * GcPauseSeconds / Seconds;

    public double? OtherCpuPercent => OtherCpuSeconds is { } s ? Math.Max(0, 100 * s / Seconds) : null;

    /// <summary>For HTTP contenders: the gateways' round trip per batch (POST to 202 read), p50 and p99.</summary>
    public double? BatchP50Ms { get; init; }

    public double? BatchP99Ms { get; init; }

    public ThroughputRun WithRoundTrips(List<double> roundTripsMs) => roundTripsMs.Count == 0
        ? this
        : this with { BatchP50Ms = Stats.Percentile(roundTripsMs, 50), BatchP99Ms = Stats.Percentile(roundTripsMs, 99) };

    public double PerSecond => Items / Seconds;

    /// <summary>The bench process's CPU over the run as a share of one core (200 = both cores of 2).</summary>
    public double ProcessCpuPercent => 100 * ProcessCpuSeconds / Seconds;

    public double? ServerCpuPercent => ServerCpuSeconds is { } s ? 100 * s / Seconds : null;
}

/// <summary>All runs of one contender: the first is the warm-up and never counts.</summary>
public sealed record ThroughputResult(string Name, string What, string Unit, ThroughputRun WarmUp, IReadOnlyList<ThroughputRun> Runs)
{
    public double Median => Stats.Median(Runs.Select(r => r.PerSecond));
    public double MedianProcessCpuPercent => Stats.Median(Runs.Select(r => r.ProcessCpuPercent));
    public double? MedianServerCpuPercent => Runs.All(r => r.ServerCpuPercent is not null)
        ? Stats.Median(Runs.Select(r => r.ServerCpuPercent!.Value))
        : null;

    public double? MedianOtherCpuPercent => Runs.All(r => r.OtherCpuPercent is not null) ? Stats.Median(Runs.Select(r => r.OtherCpuPercent!.Value)) : null;

    public double Best => Runs.Max(r => r.PerSecond);

    public double MedianAllocatedBytesPerItem => Stats.Median(Runs.Select(r => r.AllocatedBytesPerItem));

    public double MedianGcPausePercent => Stats.Median(Runs.Select(r => r.GcPausePercent));

    public double? MedianBatchP50Ms => Runs.All(r => r.BatchP50Ms is not null) ? Stats.Median(Runs.Select(r => r.BatchP50Ms!.Value)) : null;

    public double? MedianBatchP99Ms => Runs.All(r => r.BatchP99Ms is not null) ? Stats.Median(Runs.Select(r => r.BatchP99Ms!.Value)) : null;
}

/// <summary>Latency samples of one query against one system.</summary>
public sealed record LatencyResult(string Query, string System, string Condition, IReadOnlyList<double> SamplesMs)
{
    public double P50 => Stats.Percentile(SamplesMs, 50);
    public double P99 => Stats.Percentile(SamplesMs, 99);
    public double Mean => SamplesMs.Count == 0 ? double.NaN : SamplesMs.Average();
    public double Max => SamplesMs.Count == 0 ? double.NaN : SamplesMs.Max();
}

public static class Stats
{
    public static double Median(IEnumerable<double> values) => Percentile(values.ToList(), 50);

    /// <summary>Nearest rank: the smallest sample with at least p% of the samples at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        if (p == 50 && sorted.Length % 2 == 0)
        {
            return (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>CPU time of this process and of a PostgreSQL server's process tree (from /proc).</summary>
public static class Cpu
{
    private static readonly double TicksPerSecond = ClockTicks();

    /// <summary>Busy CPU time of the whole machine (all cores, everything but idle and iowait), or null without /proc/stat.</summary>
    public static double? MachineBusySeconds()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + fields[4];
            return (fields.Sum() - idle) / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The 1-minute load average, for the record.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public static double ProcessSeconds()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>
    /// The postmaster's own time plus what it has reaped from exited children (cutime, cstime), plus the time of
    /// its live children (backends, background writer, WAL writer, checkpointer, autovacuum).
    /// </summary>
    public static double TreeSeconds(int rootPid)
    {
        var ticks = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            var stat = ReadStat(pid);
            if (stat is null)
            {
                continue;
            }

            var (ppid, utime, stime, cutime, cstime) = stat.Value;
            if (pid == rootPid)
            {
                ticks += utime + stime + cutime + cstime;
            }
            else if (ppid == rootPid)
            {
                ticks += utime + stime;
            }
        }

        return ticks / TicksPerSecond;
    }

    private static (int PPid, long UTime, long STime, long CUTime, long CSTime)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command (which may hold spaces) in parentheses: state ppid ... utime(14) stime(15) cutime(16) cstime(17)
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            long F(int field) => long.Parse(fields[field - 3], CultureInfo.InvariantCulture);
            return ((int)F(4), F(14), F(15), F(16), F(17));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static double ClockTicks()
    {
        try
        {
            using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false });
            var text = getconf?.StandardOutput.ReadToEnd().Trim();
            getconf?.WaitForExit();
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ticks) && ticks > 0 ? ticks : 100;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return 100;
        }
    }
}
