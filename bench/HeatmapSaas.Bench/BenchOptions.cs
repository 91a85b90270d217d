using System.Globalization;

namespace HeatmapSaas.Bench;

/// <summary>Command-line options. <c>--quick</c> shrinks the defaults; explicit options still win.</summary>
public sealed record BenchOptions
{
    public int Events { get; init; } = 1_000_000;
    public int Locations { get; init; } = 8;
    public int BatchSize { get; init; } = 1_000;
    public int Reps { get; init; } = 3;
    public int QueryIterations { get; init; } = 300;
    public int PeopleInStore { get; init; } = 20;
    public int Seed { get; init; } = 42;
    public bool Quick { get; init; }
    public bool UnderLoad { get; init; } = true;
    public string TimeZone { get; init; } = "America/New_York";
    public string? Output { get; init; }

    /// <summary>0: the events fill as much time as <see cref="Events"/> takes. N: N days of events (the 7-day question).</summary>
    public int Days { get; init; }

    /// <summary>Seconds between two position samples of one person (1 unless --days, where 60 keeps the event count sane).</summary>
    public int SampleSeconds { get; init; } = 1;

    /// <summary>
    /// The heatmap question's cell size (product heatmap and SQL alike). 60 units on the 1000 × 1000 floor make a
    /// 17 × 17 grid, so no bucket can have more than 289 non-empty cells: the goals' "stores with up to 300
    /// non-empty cells per bucket". 10 (the base cell) asks the same question of about 2,000 cells a bucket.
    /// </summary>
    public int HeatmapCellSize { get; init; } = 60;

    /// <summary>Memory scenario instead of the ingest/query bench.</summary>
    public bool Memory { get; init; }

    /// <summary>Which contenders run: ceiling, http, product, postgres, durable (all by default).</summary>
    public string[] Only { get; init; } = ["ceiling", "http", "product", "postgres", "durable", "duckdb"];

    public bool Runs(string contender) => Only.Contains(contender);

    public const string Usage = """
        usage: bench/run.sh [--quick] [--events N] [--locations N] [--reps N] [--queries N]
                            [--batch-size N] [--people N] [--seed N] [--timezone IANA] [--no-load] [--out PATH]
                            [--only ceiling,http,product,postgres,durable,duckdb] [--days N] [--sample-seconds N] [--cell-size N] [--memory]
          --quick        100k events, 5 short runs each, fewer query samples (under 2 minutes)
          --events       total events over all locations (default 1,000,000)
          --locations    stores; one gateway (HTTP client / COPY connection) each (default 8)
          --reps         measured runs per contender, after the warm-up (default 3; quick 5)
          --queries      samples per query and system, idle (default 300; quick 100)
          --batch-size   events per JSON batch (default 1,000)
          --people       mean people in a store at a time; sets the time span of the events (default 20)
          --no-load      skip the query latencies measured while ingest runs
          --out          results file (default bench/results/latest.json)
          --only         run only these contenders (comma-separated; default all six; duckdb = the DuckDB peer; durable = PostgreSQL mode
                         vs COPY per batch, both on a PostgreSQL with fsync and synchronous commit on)
          --days         N days of events ending a minute ago (--events is then ignored); the heatmap question
                         asks for the last N local dates at hourly granularity (the 7-day question with --days 7)
          --sample-seconds  seconds between one person's position samples (default 1; 60 with --days)
          --cell-size    the heatmap question's cell size, a multiple of 10 (default 60: at most 289 non-empty cells
                         per bucket on the 1000 × 1000 floor; 10 gives about 2,000)
          --memory       only the memory scenario: bytes per heatmap-hour and per open track (no servers)
          --scenario push     the live push-latency benchmark instead (its options: --scenario push --help)
          --scenario scaling  how the figures grow from 1 to 10,000 stores instead (--scenario scaling --help)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var options = quick ? new BenchOptions { Quick = true, Events = 100_000, Reps = 5, QueryIterations = 100 } : new BenchOptions();
        var line = new CommandLine(args);
        while (line.NextFlag())
        {
            options = line.Flag switch
            {
                "--quick" => options,
                "--events" => options with { Events = line.PositiveInt() },
                "--locations" => options with { Locations = line.PositiveInt() },
                "--reps" => options with { Reps = line.PositiveInt() },
                "--queries" => options with { QueryIterations = line.PositiveInt() },
                "--batch-size" => options with { BatchSize = Math.Min(line.PositiveInt(), 10_000) },
                "--people" => options with { PeopleInStore = line.PositiveInt() },
                "--seed" => options with { Seed = line.PositiveInt() },
                "--timezone" => options with { TimeZone = line.Value() },
                "--no-load" => options with { UnderLoad = false },
                "--out" => options with { Output = line.Value() },
                "--days" => options with { Days = line.PositiveInt() },
                "--sample-seconds" => options with { SampleSeconds = line.PositiveInt() },
                "--cell-size" => options with { HeatmapCellSize = line.PositiveInt() is var c && c % 10 == 0 && c <= 1000 ? c : throw new ArgumentException("--cell-size is a multiple of 10 up to 1000") },
                "--memory" => options with { Memory = true },
                "--only" => options with { Only = line.Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                _ => throw line.Unknown(),
            };
        }

        if (options.Days > 7)
        {
            throw new ArgumentException("--days is at most 7: the product refuses events older than 7 days");
        }

        if (options.Days > 0 && !args.Contains("--sample-seconds"))
        {
            options = options with { SampleSeconds = 60 };
        }

        if (options.Events < options.Locations)
        {
            throw new ArgumentException("--events must be at least --locations");
        }

        return options;
    }
}
