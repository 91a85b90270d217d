using System.Globalization;

namespace HeatmapSaas.Bench;

/// <summary>One push-latency case: this many dashboard connections spread round-robin over this many heatmaps.</summary>
public sealed record PushCase(int Connections, int Heatmaps)
{
    public string Name => $"{Connections}x{Heatmaps}";
}

/// <summary>Options of <c>--scenario push</c> (bench/README.md, "Push-latency benchmark").</summary>
public sealed record PushOptions
{
    public PushCase[] Cases { get; init; } = [new(1, 1), new(1_000, 1), new(1_000, 10)];
    public int BatchesPerSecond { get; init; } = 10;
    public int EventsPerBatch { get; init; } = 20;
    public int Seconds { get; init; } = 20;
    public int Reps { get; init; } = 3;
    public int IdleSeconds { get; init; } = 30;
    public string? Output { get; init; }

    public const string Usage = """
        usage: bench/run.sh --scenario push [--cases 1x1,1000x1,1000x10] [--rate N] [--events-per-batch N]
                            [--seconds N] [--reps N] [--idle-seconds N] [--out PATH]
          --cases             CONNECTIONSxHEATMAPS, comma-separated (default 1x1,1000x1,1000x10)
          --rate              batches per second from the one gateway (default 30: two SignalR keep-alive rounds, one subscription renewal)
          --events-per-batch  position events per batch (default 20)
          --seconds           length of one measured run (default 20)
          --reps              measured runs per case, after a warm-up run (default 3)
          --idle-seconds      how long CPU is measured while the dashboards only watch (default 30: two SignalR keep-alive rounds, one subscription renewal)
          --out               results file (default bench/results/push-latency.json)
        """;

    public static PushOptions Parse(string[] args)
    {
        var options = new PushOptions();
        var line = new CommandLine(args);
        while (line.NextFlag())
        {
            options = line.Flag switch
            {
                "--scenario" => line.Value() == "push" ? options : throw new ArgumentException("--scenario must be push here"),
                "--cases" => options with { Cases = line.Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseCase).ToArray() },
                "--rate" => options with { BatchesPerSecond = line.PositiveInt() },
                "--events-per-batch" => options with { EventsPerBatch = Math.Min(line.PositiveInt(), 10_000) },
                "--seconds" => options with { Seconds = line.PositiveInt() },
                "--reps" => options with { Reps = line.PositiveInt() },
                "--idle-seconds" => options with { IdleSeconds = line.PositiveInt() },
                "--out" => options with { Output = line.Value() },
                _ => throw line.Unknown(),
            };
        }

        return options;
    }

    private static PushCase ParseCase(string text)
    {
        var parts = text.Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var connections) || !int.TryParse(parts[1], out var heatmaps) ||
            connections < 1 || heatmaps < 1 || heatmaps > connections)
        {
            throw new ArgumentException($"--cases: '{text}' is not CONNECTIONSxHEATMAPS with 1 <= heatmaps <= connections");
        }

        return new PushCase(connections, heatmaps);
    }
}
