using System.Globalization;
using System.Text;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Grains.Heatmaps;
using HeatmapSaas.Grains.Locations;

namespace HeatmapSaas.Bench;

/// <summary>
/// <c>--memory</c>: what live data costs in memory, measured on the real domain classes with
/// <see cref="GC.GetTotalMemory(bool)"/> after full collections (heap bytes; no server, no timing). It checks the
/// goal: 10,000 heatmaps holding a day of live data and 100,000 open tracks fit in 4 GiB.
/// </summary>
public static class MemoryScenario
{
    public const int GoalHeatmaps = 10_000;
    public const int GoalTracks = 100_000;
    public const long GoalBytes = 4L << 30;

    private const int CellsPerBucket = 300;
    private const int BucketsPerDay = 96;
    private const int BatchesPerBucket = 15;
    private const int Views = 100;

    public static string Run(BenchOptions options, Progress progress)
    {
        var random = new Random(options.Seed);

        // The same day of buckets for every view: ≤ 300 non-empty 10-unit cells per bucket on a 1000 × 1000 floor,
        // arriving in batches as a location forwards them.
        progress.Start("build a day of heatmap buckets");
        var day = Enumerable.Range(0, BucketsPerDay).Select(b => BucketBatches(random, 1_000_000 + b)).ToArray();
        progress.Finish();

        progress.Start($"{Views} heatmap views, a day each");
        var viewBytes = Measure(() =>
        {
            var views = new HeatmapView[Views];
            for (var v = 0; v < views.Length; v++)
            {
                var view = views[v] = new HeatmapView(IntensityGrid.BaseCellSize, HeatmapType.CustomerFlow);
                view.Fill(new GridSnapshot(0, []), 1_000_000 - BucketsPerDay);
                long position = 1;
                foreach (var batches in day)
                {
                    foreach (var batch in batches)
                    {
                        view.Apply(position++, [batch]);
                    }

                    // As the grain does while time passes: the window moves on every new bucket.
                    view.Trim(batches[0].Bucket - BucketsPerDay + 1);
                }
            }

            return views;
        });
        progress.Finish();

        progress.Start($"the same buckets as hash grids (the former view's representation)");
        var hashBytes = Measure(() =>
        {
            var views = new Dictionary<long, IntensityGrid>[Views];
            for (var v = 0; v < views.Length; v++)
            {
                var buckets = views[v] = [];
                foreach (var batches in day)
                {
                    foreach (var batch in batches)
                    {
                        if (!buckets.TryGetValue(batch.Bucket, out var grid))
                        {
                            buckets[batch.Bucket] = grid = new IntensityGrid();
                        }

                        foreach (var cell in batch.Cells)
                        {
                            grid.Add(cell.X, cell.Y, cell.Value);
                        }
                    }
                }
            }

            return views;
        });
        progress.Finish();

        progress.Start($"{GoalTracks:N0} open tracks in one location's ledger");
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        var ids = Enumerable.Range(0, GoalTracks).Select(i => $"gw-01-t-{i:D8}").ToArray();
        var idBytes = Measure(() => ids.Select(id => new string(id)).ToArray());
        var (trackBytes, tracks) = MeasureTracks(ids, start);
        progress.Finish();

        var windows = new MemoryOptions();
        progress.Start("a location ledger, a day of buckets, every base grid kept (3 types)");
        var ledgerAllGrids = Measure(() => LedgerDay(new Random(options.Seed), start, windows.LiveWindow, windows.LiveWindow));
        progress.Finish();
        progress.Start($"the same ledger as the grain keeps it (grids leave after {windows.GridWindow.TotalHours:N0} h)");
        var ledgerBytes = Measure(() => LedgerDay(new Random(options.Seed), start, windows.LiveWindow, windows.GridWindow));
        progress.Finish();

        var perHeatmapHour = viewBytes / (double)Views / 24;
        var perHashHour = hashBytes / (double)Views / 24;
        var perTrack = trackBytes / (double)tracks;
        // The worst case for the goal: every heatmap on a store of its own, so each brings a location's ledger.
        var goalTotal = GoalHeatmaps * (24 * perHeatmapHour + ledgerBytes) + GoalTracks * perTrack;
        var md = new StringBuilder();
        md.AppendLine();
        md.AppendLine("## HeatmapSaas memory (`--memory`)");
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Heap bytes from `GC.GetTotalMemory(true)` before and after building the objects, divided by what they hold. " +
            $"Heatmap data: {CellsPerBucket} non-empty 10-unit cells in each of the {BucketsPerDay} buckets of a day, applied in {BatchesPerBucket} batches a bucket " +
            $"through `HeatmapView.Apply` with the live window moving as in the grain; {Views} views. Tracks: {tracks:N0} open tracks (ids of 16 chars, " +
            $"held by the ledger) in one `FootfallLedger`, all in one cell and bucket."));
        md.AppendLine();
        md.AppendLine("| measure | bytes |");
        md.AppendLine("|---|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| heatmap view, per heatmap per live hour (`HeatmapView`, compact cells) | {perHeatmapHour:N0} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| same data as hash grids (`Dictionary<long, IntensityGrid>`, the former view) | {perHashHour:N0} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| per open track (`TrackBook` entry, index and id string) | {perTrack:N0} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| of which the id string (and its array slot) | {idBytes / (double)GoalTracks:N0} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| location ledger with a day of data, as the grain keeps it (counts of the day, base grids of the last {windows.GridWindow.TotalHours:N0} h), per store | {ledgerBytes:N0} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| the same ledger keeping every base grid of the day (3 types), per store | {ledgerAllGrids:N0} |");
        md.AppendLine();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Goal: {GoalHeatmaps:N0} heatmaps × 24 live hours, each on a store of its own with that store's ledger, + {GoalTracks:N0} open tracks = " +
            $"**{goalTotal / (1 << 20):N0} MiB** of {GoalBytes >> 20:N0} MiB: {(goalTotal <= GoalBytes ? "**met**" : "**not met**")} " +
            $"(with ledgers keeping every grid: {(GoalHeatmaps * (24 * perHeatmapHour + ledgerAllGrids) + GoalTracks * perTrack) / (1 << 20):N0} MiB; " +
            $"with those and the former hash-grid views: {(GoalHeatmaps * (24 * perHashHour + ledgerAllGrids) + GoalTracks * perTrack) / (1 << 20):N0} MiB). " +
            $"Not included: Orleans' per-activation overhead (`--scenario scaling` measures the heap per store with its grains)."));
        return md.ToString();
    }

    /// <summary>One bucket's cells cut into batches: each cell appears in one or more batches, ≤ 300 distinct cells.</summary>
    private static BucketCells[] BucketBatches(Random random, long bucket)
    {
        var cells = new HashSet<(int X, int Y)>();
        while (cells.Count < CellsPerBucket)
        {
            cells.Add((random.Next(100), random.Next(100)));
        }

        var all = cells.ToArray();
        return Enumerable.Range(0, BatchesPerBucket).Select(b =>
        {
            var part = all.Where((_, i) => i % BatchesPerBucket == b || random.Next(4) == 0)
                .OrderBy(c => c.Y).ThenBy(c => c.X)
                .Select(c => new CellValue(c.X, c.Y, 1 + random.Next(20)))
                .ToArray();
            return new BucketCells(bucket, part, part.Length);
        }).ToArray();
    }

    private static (long Bytes, int Tracks) MeasureTracks(string[] ids, DateTimeOffset start)
    {
        var ts = start;
        FootfallLedger? kept = null;
        var bytes = Measure(() =>
        {
            // The ids are copied so the ledger holds its own strings, as it does with a parser's.
            var ledger = new FootfallLedger(new LocationRules(1000, 1000, 3600));
            var events = ids.Select(id => new SensorEvent(SensorEventKind.Position, new string(id), ts.ToUnixTimeMilliseconds(), 5, 5)).ToArray();
            for (var i = 0; i < events.Length; i += 1_000)
            {
                ledger.Apply(events.AsSpan(i, Math.Min(1_000, events.Length - i)), ts);
            }

            kept = ledger;
            return ledger;
        });
        return (bytes, kept!.Occupancy);
    }

    /// <summary>
    /// A ledger with a day of buckets, each with ≤ 300 cells of positions (and their dwell) plus a few interactions,
    /// closed as the grain closes it (whole buckets after the live window, base grids after the grid window).
    /// </summary>
    private static FootfallLedger LedgerDay(Random random, DateTimeOffset end, TimeSpan liveWindow, TimeSpan gridWindow)
    {
        var ledger = new FootfallLedger(new LocationRules(1000, 1000, 30));
        var first = end.AddDays(-1);
        for (var b = 0; b < BucketsPerDay; b++)
        {
            var bucketStart = first.AddMinutes(15 * b);
            var events = new List<SensorEvent>();
            var cells = new HashSet<(int X, int Y)>();
            while (cells.Count < CellsPerBucket)
            {
                cells.Add((random.Next(100), random.Next(100)));
            }

            var i = 0;
            foreach (var (x, y) in cells)
            {
                var ts = bucketStart.AddSeconds(i++ * 2);
                events.Add(new SensorEvent(SensorEventKind.Position, $"t-{b}-{i % 20}", ts.ToUnixTimeMilliseconds(), x * 10 + 5, y * 10 + 5));
                if (i % 10 == 0)
                {
                    events.Add(new SensorEvent(SensorEventKind.Interaction, $"t-{b}-{i % 20}", ts.ToUnixTimeMilliseconds() + 1, x * 10 + 5, y * 10 + 5));
                }
            }

            var now = bucketStart.AddMinutes(10);
            ledger.Apply(events.ToArray(), now);
            ledger.Close(ledger.ClosableBefore(TimeBucket.Of(now - liveWindow), TimeBucket.Of(now - gridWindow)));
        }

        // End every track, so only the buckets remain.
        ledger.ExpireIdle(end.AddDays(1));
        return ledger;
    }

    private static long Measure<T>(Func<T> build)
        where T : class
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var built = build();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(built);
        return after - before;
    }
}
