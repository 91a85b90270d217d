namespace HeatmapSaas.Bench;

/// <summary>CPU over one window: the product's process, this bench process (the dashboards and the gateway), the rest of the machine.</summary>
public sealed record CpuWindow(double Seconds, double ServerCpuSeconds, double BenchCpuSeconds, double? OtherCpuSeconds)
{
    public double ServerPercent => 100 * ServerCpuSeconds / Seconds;

    public double BenchPercent => 100 * BenchCpuSeconds / Seconds;

    public double? OtherPercent => OtherCpuSeconds is { } s ? Math.Max(0, 100 * s / Seconds) : null;
}

/// <summary>
/// One measured run of a case. <see cref="PushMs"/>: per push and connection, its arrival minus the ack of the batch
/// its <c>ts</c> names (the newest batch it carries). <see cref="BatchMs"/>: per batch and connection, the arrival of
/// the first push carrying it (or a newer one) minus its ack: that includes the wait for the coalescing timer.
/// </summary>
public sealed record PushRun(int Batches, IReadOnlyList<double> PushMs, IReadOnlyList<double> BatchMs, long Missing, CpuWindow Cpu, IReadOnlyList<double> RoundTripMs)
{
    public double RoundTripP50 => Stats.Percentile(RoundTripMs, 50);
    public double RoundTripP99 => Stats.Percentile(RoundTripMs, 99);
    public double P50 => Stats.Percentile(PushMs, 50);
    public double P99 => Stats.Percentile(PushMs, 99);
    public double Max => PushMs.Count == 0 ? double.NaN : PushMs.Max();
    public double BatchP50 => Stats.Percentile(BatchMs, 50);
    public double BatchP99 => Stats.Percentile(BatchMs, 99);
}

public sealed record PushCaseResult(PushCase Case, double ConnectSeconds, CpuWindow Idle, IReadOnlyList<PushRun> Runs)
{
    public double MedianP50 => Stats.Median(Runs.Select(r => r.P50));
    public double MedianP99 => Stats.Median(Runs.Select(r => r.P99));
    public double MedianBatchP50 => Stats.Median(Runs.Select(r => r.BatchP50));
    public double MedianBatchP99 => Stats.Median(Runs.Select(r => r.BatchP99));
    public double MedianServerPercent => Stats.Median(Runs.Select(r => r.Cpu.ServerPercent));
    public double MedianBenchPercent => Stats.Median(Runs.Select(r => r.Cpu.BenchPercent));
    public double? MedianOtherPercent => Runs.All(r => r.Cpu.OtherPercent is not null) ? Stats.Median(Runs.Select(r => r.Cpu.OtherPercent!.Value)) : null;
    public double MedianRoundTripP50 => Stats.Median(Runs.Select(r => r.RoundTripP50));
    public double MedianRoundTripP99 => Stats.Median(Runs.Select(r => r.RoundTripP99));
    public long Missing => Runs.Sum(r => r.Missing);
    public long Pushes => Runs.Sum(r => (long)r.PushMs.Count);
}
