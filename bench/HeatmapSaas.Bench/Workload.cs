using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace HeatmapSaas.Bench;

/// <summary>The events every contender gets: per store, the gateway's JSON batch bodies, in the order it sends them.</summary>
public sealed class Workload
{
    public required LocationStream[] Locations { get; init; }
    public required string TimeZone { get; init; }
    public required DateTimeOffset FirstTs { get; init; }
    public required DateTimeOffset LastTs { get; init; }

    /// <summary>The local date the day queries ask about: the one holding the middle of the events.</summary>
    public required DateOnly QueryDate { get; init; }

    /// <summary>The local dates the heatmap question asks about, both inclusive: the query date, or the last N with --days.</summary>
    public required DateOnly HeatmapFirstDate { get; init; }

    public required DateOnly HeatmapLastDate { get; init; }

    /// <summary>The stores' track timeout: the contract's default, or longer than the gap between sparse samples.</summary>
    public required int TrackTimeoutSeconds { get; init; }

    /// <summary>The heatmap question's cell size.</summary>
    public required int HeatmapCellSize { get; init; }

    /// <summary>The most non-empty heatmap cells (customer flow, at <see cref="HeatmapCellSize"/>) in one store's 15-minute bucket.</summary>
    public int MaxCellsPerBucket => Locations.Max(l => l.MaxCellsPerBucket);

    public int HeatmapDays => HeatmapLastDate.DayNumber - HeatmapFirstDate.DayNumber + 1;

    public int Events => Locations.Sum(l => l.Events);
    public int Batches => Locations.Sum(l => l.Bodies.Length);
    public long Bytes => Locations.Sum(l => l.Bodies.Sum(b => (long)b.Length));
    public int Tracks => Locations.Sum(l => l.Tracks);
    public int Positions => Locations.Sum(l => l.Positions);
    public int Interactions => Locations.Sum(l => l.Interactions);
    public int Conversions => Locations.Sum(l => l.Conversions);
    public int TrackEnds => Locations.Sum(l => l.TrackEnds);

    /// <summary>The UTC instants of the query date's local midnight and the next one.</summary>
    public (DateTimeOffset From, DateTimeOffset To) QueryDay() => (Midnight(QueryDate), Midnight(QueryDate.AddDays(1)));

    /// <summary>The UTC instants of the heatmap question's first local midnight and the midnight after its last date.</summary>
    public (DateTimeOffset From, DateTimeOffset To) HeatmapRange() => (Midnight(HeatmapFirstDate), Midnight(HeatmapLastDate.AddDays(1)));

    private DateTimeOffset Midnight(DateOnly date) =>
        new(TimeZoneInfo.ConvertTimeToUtc(date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified),
            TimeZoneInfo.FindSystemTimeZoneById(TimeZone)), TimeSpan.Zero);
}

public sealed class LocationStream
{
    public required int Index { get; init; }

    /// <summary>The store's slug in the product and its <c>location_id</c> in PostgreSQL.</summary>
    public required string Slug { get; init; }

    public required byte[][] Bodies { get; init; }
    public required int[] BodyEvents { get; init; }
    public int Events => BodyEvents.Sum();
    public int Tracks { get; init; }
    public int Positions { get; init; }
    public int Interactions { get; init; }
    public int Conversions { get; init; }
    public int TrackEnds { get; init; }
    public int MaxCellsPerBucket { get; init; }
}

/// <summary>
/// Simulated shoppers, one store at a time: they arrive at the door (Poisson), walk to a few shelves at walking
/// speed, linger there (sometimes picking a product up: an interaction), walk back to the door, leave (track_end)
/// and sometimes pay at the till a little later (a conversion with a value). The gateway samples every person
/// about once a second, each at its own phase. Each store's events are sorted by ts, cut into batches, and the
/// whole timeline is shifted to end a minute ago, so every event is inside the ingest horizons.
/// </summary>
public static class WorkloadGenerator
{
    public const double FloorWidth = 1000;
    public const double FloorHeight = 1000;
    private const double MeanVisitSeconds = 240;

    private static readonly (double X, double Y)[] Shelves =
    [
        (120, 150), (300, 150), (500, 150), (700, 150), (880, 150),
        (120, 420), (300, 420), (500, 420), (700, 420), (880, 420),
        (200, 680), (450, 680), (700, 680), (880, 820), (150, 850),
    ];

    private static readonly (double X, double Y) Door = (500, 985);

    private enum Kind : byte
    {
        Position,
        Interaction,
        TrackEnd,
        Conversion,
    }

    private readonly record struct Event(long TsMs, int Seq, Kind Kind, int Track, double X, double Y, double Value, int Product);

    public static Workload Generate(BenchOptions options, Progress progress)
    {
        var quota = Enumerable.Range(0, options.Locations)
            .Select(i => options.Events / options.Locations + (i < options.Events % options.Locations ? 1 : 0))
            .ToArray();
        var streams = new List<Event>[options.Locations];
        var done = 0L;
        progress.Start("generate events", options.Events);
        Parallel.For(0, options.Locations, i =>
        {
            // With --days the time span is fixed (an hour short of it, so events stay inside the 7-day ingest horizon
            // for the whole run) and the event count follows from it.
            streams[i] = options.Days > 0
                ? Simulate(int.MaxValue, options.PeopleInStore, options.Seed * 1_000_003 + i, options.SampleSeconds, options.Days * 86_400L - 3_600)
                : Simulate(quota[i], options.PeopleInStore, options.Seed * 1_000_003 + i, options.SampleSeconds, long.MaxValue);
            progress.Set(Interlocked.Add(ref done, quota[i]));
        });
        quota = streams.Select(s => s.Count).ToArray();

        // One clock for all stores: the newest event of any store is a minute old.
        var newest = streams.Max(s => s[^1].TsMs);
        var shift = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds() - newest;
        var first = DateTimeOffset.FromUnixTimeMilliseconds(streams.Min(s => s[0].TsMs) + shift);
        var last = DateTimeOffset.FromUnixTimeMilliseconds(newest + shift);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        var middle = TimeZoneInfo.ConvertTime(first + (last - first) / 2, zone);
        var lastDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(last, zone).DateTime);

        progress.Start("write JSON batches", options.Events);
        done = 0;
        var locations = new LocationStream[options.Locations];
        Parallel.For(0, options.Locations, i =>
        {
            locations[i] = Serialize(i, streams[i], shift, options.BatchSize, options.HeatmapCellSize);
            progress.Set(Interlocked.Add(ref done, quota[i]));
        });
        progress.Finish();

        return new Workload
        {
            Locations = locations,
            TimeZone = options.TimeZone,
            FirstTs = first,
            LastTs = last,
            QueryDate = DateOnly.FromDateTime(middle.DateTime),
            TrackTimeoutSeconds = Math.Max(30, 3 * options.SampleSeconds),
            HeatmapCellSize = options.HeatmapCellSize,
            HeatmapFirstDate = options.Days > 0 ? lastDate.AddDays(1 - options.Days) : DateOnly.FromDateTime(middle.DateTime),
            HeatmapLastDate = options.Days > 0 ? lastDate : DateOnly.FromDateTime(middle.DateTime),
        };
    }

    private sealed class Shopper(int id, int phaseMs, double speed)
    {
        public int Id { get; } = id;
        public int PhaseMs { get; } = phaseMs;
        public double Speed { get; } = speed;
        public double X { get; set; } = Door.X;
        public double Y { get; set; } = Door.Y;
        public Queue<(double X, double Y, int Shelf)> Route { get; } = new();
        public int LingerLeft { get; set; } = -1;
    }

    private static List<Event> Simulate(int quota, int people, int seed, int sampleSeconds, long untilSecond)
    {
        var random = new Random(seed);
        var events = new List<Event>(Math.Min(quota, 4_000_000) + 1_000);
        var shoppers = new List<Shopper>();
        var arrivalsPerSecond = people / MeanVisitSeconds;
        var tracks = 0;
        var seq = 0;
        // Run a few seconds past the quota, so the prefix in ts order misses nothing a later second would add.
        var margin = quota == int.MaxValue ? 0 : Math.Max(200, people * 5);
        for (long second = 0; events.Count < (long)quota + margin && second < untilSecond; second++)
        {
            // Poisson arrivals (Knuth): the store fills up from opening time.
            for (var p = random.NextDouble(); p > Math.Exp(-arrivalsPerSecond); p *= random.NextDouble())
            {
                var shopper = new Shopper(++tracks, random.Next(0, 1000), 10 + random.NextDouble() * 15);
                for (var stops = 1 + random.Next(6); stops > 0; stops--)
                {
                    var shelf = random.Next(Shelves.Length);
                    shopper.Route.Enqueue((Shelves[shelf].X, Shelves[shelf].Y, shelf));
                }

                shopper.Route.Enqueue((Door.X, Door.Y, -1));
                shoppers.Add(shopper);
            }

            for (var i = shoppers.Count - 1; i >= 0; i--)
            {
                var s = shoppers[i];
                var ts = second * 1000 + s.PhaseMs + random.Next(-40, 41);
                var (tx, ty, shelf) = s.Route.Peek();
                var (dx, dy) = (tx - s.X, ty - s.Y);
                var distance = Math.Sqrt(dx * dx + dy * dy);
                if (distance > 3)
                {
                    var stride = Math.Min(distance, s.Speed);
                    s.X = Math.Clamp(s.X + dx / distance * stride + Jitter(random, 3), 0, FloorWidth - 0.5);
                    s.Y = Math.Clamp(s.Y + dy / distance * stride + Jitter(random, 3), 0, FloorHeight - 0.5);
                }
                else if (shelf < 0)
                {
                    // At the door on the way out: the visit ends, and maybe a purchase follows at the till.
                    events.Add(new Event(ts, seq++, Kind.TrackEnd, s.Id, 0, 0, 0, 0));
                    if (random.NextDouble() < 0.25)
                    {
                        var value = Math.Round(5 + random.NextDouble() * 95, 2);
                        events.Add(new Event(ts + random.Next(20_000, 120_000), seq++, Kind.Conversion, s.Id, 0, 0, value, 0));
                    }

                    shoppers.RemoveAt(i);
                    continue;
                }
                else
                {
                    if (s.LingerLeft < 0)
                    {
                        s.LingerLeft = 5 + (int)(-Math.Log(1 - random.NextDouble()) * 35);
                        if (random.NextDouble() < 0.35)
                        {
                            events.Add(new Event(ts - 300, seq++, Kind.Interaction, s.Id, s.X, s.Y, 0, shelf * 100 + random.Next(100)));
                        }
                    }

                    s.X = Math.Clamp(s.X + Jitter(random, 2), 0, FloorWidth - 0.5);
                    s.Y = Math.Clamp(s.Y + Jitter(random, 2), 0, FloorHeight - 0.5);
                    if (--s.LingerLeft <= 0)
                    {
                        s.Route.Dequeue();
                        s.LingerLeft = -1;
                    }
                }

                if ((second + s.Id) % sampleSeconds == 0)
                {
                    events.Add(new Event(ts, seq++, Kind.Position, s.Id, Math.Round(s.X, 1), Math.Round(s.Y, 1), 0, 0));
                }
            }
        }

        // The gateway sends in ts order (ties in the order they were seen); a conversion lands where its ts falls.
        events.Sort((a, b) => a.TsMs != b.TsMs ? a.TsMs.CompareTo(b.TsMs) : a.Seq.CompareTo(b.Seq));
        if (events.Count > quota)
        {
            events.RemoveRange(quota, events.Count - quota);
        }

        return events;
    }

    private static double Jitter(Random random, double amplitude) => (random.NextDouble() - 0.5) * 2 * amplitude;

    private static LocationStream Serialize(int index, List<Event> events, long shiftMs, int batchSize, int cellSize)
    {
        var slug = $"store-{index + 1:D2}";
        var gateway = $"gw-{index + 1:D2}";
        var bodies = new List<byte[]>();
        var counts = new List<int>();
        var buffer = new ArrayBufferWriter<byte>(256 * batchSize);
        for (var start = 0; start < events.Count; start += batchSize)
        {
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("batch_id", $"{gateway}-{bodies.Count + 1:D6}");
                writer.WriteString("gateway_id", gateway);
                writer.WriteStartArray("events");
                var end = Math.Min(start + batchSize, events.Count);
                for (var i = start; i < end; i++)
                {
                    WriteEvent(writer, events[i], shiftMs);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            bodies.Add(buffer.WrittenSpan.ToArray());
            counts.Add(Math.Min(batchSize, events.Count - start));
        }

        var seenTracks = new HashSet<int>();
        foreach (var e in events)
        {
            if (e.Kind is Kind.Position or Kind.Interaction)
            {
                seenTracks.Add(e.Track);
            }
        }

        return new LocationStream
        {
            Index = index,
            Slug = slug,
            Bodies = bodies.ToArray(),
            BodyEvents = counts.ToArray(),
            Tracks = seenTracks.Count,
            Positions = events.Count(e => e.Kind == Kind.Position),
            Interactions = events.Count(e => e.Kind == Kind.Interaction),
            Conversions = events.Count(e => e.Kind == Kind.Conversion),
            TrackEnds = events.Count(e => e.Kind == Kind.TrackEnd),
            MaxCellsPerBucket = events.Where(e => e.Kind == Kind.Position)
                .GroupBy(e => Math.Floor((e.TsMs + shiftMs) / 900_000.0))
                .Select(bucket => bucket.Select(e => ((int)(e.X / cellSize), (int)(e.Y / cellSize))).Distinct().Count())
                .DefaultIfEmpty()
                .Max(),
        };
    }

    private static void WriteEvent(Utf8JsonWriter writer, Event e, long shiftMs)
    {
        var ts = DateTimeOffset.FromUnixTimeMilliseconds(e.TsMs + shiftMs).UtcDateTime
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var track = "t-" + e.Track.ToString(CultureInfo.InvariantCulture);
        writer.WriteStartObject();
        switch (e.Kind)
        {
            case Kind.Position:
                writer.WriteString("type", "position");
                writer.WriteString("track_id", track);
                writer.WriteString("ts", ts);
                writer.WriteNumber("x", e.X);
                writer.WriteNumber("y", e.Y);
                break;
            case Kind.Interaction:
                writer.WriteString("type", "interaction");
                writer.WriteString("track_id", track);
                writer.WriteString("ts", ts);
                writer.WriteNumber("x", Math.Round(e.X, 1));
                writer.WriteNumber("y", Math.Round(e.Y, 1));
                writer.WriteString("product_id", "sku-" + e.Product.ToString(CultureInfo.InvariantCulture));
                break;
            case Kind.TrackEnd:
                writer.WriteString("type", "track_end");
                writer.WriteString("track_id", track);
                writer.WriteString("ts", ts);
                break;
            default:
                writer.WriteString("type", "conversion");
                writer.WriteString("track_id", track);
                writer.WriteString("ts", ts);
                writer.WriteNumber("value", e.Value);
                break;
        }

        writer.WriteEndObject();
    }
}
