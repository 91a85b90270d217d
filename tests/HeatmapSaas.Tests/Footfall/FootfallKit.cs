using HeatmapSaas.Grains.Footfall;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>Short builders so each test reads as the story of a few visitors.</summary>
internal static class FootfallKit
{
    /// <summary>A bucket-aligned instant: 2025-12-25 12:00 UTC.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 12, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A wall clock that never advances, so silence never ends a track unless a test says so.</summary>
    public static readonly DateTimeOffset Wall = new(2025, 12, 25, 12, 0, 0, TimeSpan.Zero);

    public static readonly TimeBucket B0 = TimeBucket.Of(T0);

    public static long Ms(double seconds) => T0.ToUnixTimeMilliseconds() + (long)Math.Round(seconds * 1000);

    public static SensorEvent Pos(string id, double seconds, double x = 5, double y = 5) =>
        new(SensorEventKind.Position, id, Ms(seconds), x, y);

    public static SensorEvent Tap(string id, double seconds, double x = 5, double y = 5) =>
        new(SensorEventKind.Interaction, id, Ms(seconds), x, y);

    public static SensorEvent End(string id, double seconds) => new(SensorEventKind.TrackEnd, id, Ms(seconds));

    public static SensorEvent Buy(double seconds, decimal value = 10m, string? id = null) =>
        new(SensorEventKind.Conversion, id, Ms(seconds), Value: value);

    public static FootfallLedger NewLedger(int timeoutSeconds = 30) => new(new LocationRules(1000, 1000, timeoutSeconds));

    public static BatchEffect Feed(this FootfallLedger ledger, params SensorEvent[] batch) => ledger.Apply(batch, Wall);

    /// <summary>The counts of every live bucket together.</summary>
    public static BucketCounts AllCounts(this FootfallLedger ledger)
    {
        var sum = BucketCounts.Zero;
        foreach (var bucket in ledger.LiveBuckets())
        {
            sum += bucket.Counts;
        }

        return sum;
    }

    /// <summary>One bucket's counts, read as the location grain reads them (<see cref="FootfallLedger.CountsByBucket"/>).</summary>
    public static BucketCounts CountsOf(this FootfallLedger ledger, TimeBucket bucket) =>
        ledger.CountsByBucket(bucket, bucket + 1).GetValueOrDefault(bucket.Index);

    /// <summary>The live bucket of a time, found as the grain's grid snapshot finds it (<see cref="FootfallLedger.LiveBuckets"/>).</summary>
    public static Bucket? LiveBucket(this FootfallLedger ledger, TimeBucket bucket) =>
        ledger.LiveBuckets().FirstOrDefault(b => b.Time == bucket);

    public static IntensityGrid GridOf(this FootfallLedger ledger, TimeBucket bucket, HeatmapType type) =>
        ledger.LiveBucket(bucket)?.Grid(type) ?? IntensityGrid.Empty;

    /// <summary>A type's grids of the live buckets in [from, toExclusive) folded into one grid of a cell size.</summary>
    public static IntensityGrid GridBetween(this FootfallLedger ledger, HeatmapType type, TimeBucket from, TimeBucket toExclusive, int cellSize = IntensityGrid.BaseCellSize)
    {
        var sum = new IntensityGrid(cellSize);
        foreach (var bucket in ledger.LiveBuckets().Where(b => b.Time >= from && b.Time < toExclusive))
        {
            sum.AddAll(bucket.Grid(type));
        }

        return sum;
    }

    /// <summary>Closes as the location grain does: chooses with ClosableBefore, stores, then applies with Close.</summary>
    public static BucketClosing CloseBefore(this FootfallLedger ledger, TimeBucket before, TimeBucket? gridsBefore = null)
    {
        var closing = ledger.ClosableBefore(before, gridsBefore ?? new TimeBucket(long.MinValue));
        ledger.Close(closing);
        return closing;
    }

    /// <summary>A readable, canonical picture of the whole ledger: equal pictures mean equal answers.</summary>
    public static string Describe(this FootfallLedger ledger) => Render(
        ledger.Occupancy,
        ledger.NewestTsMs,
        ledger.OpenTracks(),
        ledger.LiveBuckets().Select(b => (b.Time, b.Counts, HeatmapTypes.All.Select(b.Grid).ToArray())));

    /// <summary>
    /// The picture format, shared with the reference model. Buckets with nothing in them are left out: whether an
    /// emptied bucket object still exists is not an answer anyone can see.
    /// </summary>
    public static string Render(
        int occupancy,
        long? newestTsMs,
        IEnumerable<Track> openTracks,
        IEnumerable<(TimeBucket Time, BucketCounts Counts, IntensityGrid[] Grids)> buckets)
    {
        var text = new System.Text.StringBuilder();
        text.Append("occupancy=").Append(occupancy).Append(" newest=").Append(newestTsMs).AppendLine();
        foreach (var track in openTracks.OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            text.AppendLine($"open {track}");
        }

        foreach (var (time, counts, grids) in buckets.OrderBy(b => b.Time))
        {
            if (counts.IsZero && grids.All(g => g.IsEmpty))
            {
                continue;
            }

            text.AppendLine($"{time} {counts}");
            for (var type = 0; type < grids.Length; type++)
            {
                text.Append("  ").Append((HeatmapType)type).Append(':');
                foreach (var cell in grids[type].ToCells())
                {
                    text.Append($" ({cell.X},{cell.Y})={cell.Value}");
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    }

    public static byte[] Checkpoint(this FootfallLedger ledger)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            ledger.WriteTo(writer);
        }

        return stream.ToArray();
    }

    public static FootfallLedger Restore(byte[] checkpoint, LocationRules rules)
    {
        using var reader = new BinaryReader(new MemoryStream(checkpoint));
        var ledger = FootfallLedger.ReadFrom(reader, rules);
        Assert.Equal(checkpoint.Length, reader.BaseStream.Position);
        return ledger;
    }
}
