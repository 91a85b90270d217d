using CsCheck;
using HeatmapSaas.Grains.Footfall;
using static HeatmapSaas.Tests.Footfall.FootfallKit;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>
/// Tracks follow event time: the same events give the same counts whatever their arrival order and batching
/// (within the reorder window), a late event joins, extends or merges the tracks it falls within the timeout of,
/// and the held tracks survive a checkpoint. The dwell-time grid is left out of the order comparisons: a late
/// sample adds 0 there (README, "Grids").
/// </summary>
public class ArrivalOrderProperties
{
    private const int Timeout = 30;
    private static readonly LocationRules Rules = new(1000, 1000, Timeout);

    /// <summary>A few ids over ~20 minutes: gaps around the timeout, interactions, track_ends and conversions.</summary>
    private static readonly Gen<SensorEvent[]> Streams =
        Gen.Select(Gen.Int[0, 19], Gen.Int[0, 4], Gen.Int[0, 9], Gen.Int[0, 40_000], Gen.Int[0, 19])
            .Array[1, 150]
            .Select(steps =>
            {
                var events = new List<SensorEvent>();
                var ts = Ms(-20);
                foreach (var (kind, track, gapClass, gap, x) in steps)
                {
                    ts += gapClass switch
                    {
                        0 => 0,
                        <= 6 => gap % 3_000,
                        8 => Timeout * 1000 + gap % 2,
                        _ => gap,
                    };
                    var id = "t-" + track;
                    events.Add(kind switch
                    {
                        < 13 => new SensorEvent(SensorEventKind.Position, id, ts, x * 10 + 3.5, 7.25),
                        < 16 => new SensorEvent(SensorEventKind.Interaction, id, ts, x * 10, 20),
                        < 18 => new SensorEvent(SensorEventKind.TrackEnd, id, ts),
                        _ => new SensorEvent(SensorEventKind.Conversion, null, ts, Value: 2.5m),
                    });
                }

                return WithoutCutsInsideJoinableGaps(events);
            });

    /// <summary>
    /// Drops each track_end that lies between two events of its id within the timeout of each other: arriving after
    /// both, it could not split the track they already formed (the documented exception).
    /// </summary>
    private static SensorEvent[] WithoutCutsInsideJoinableGaps(List<SensorEvent> events) => events.Where(cut =>
        cut.Kind != SensorEventKind.TrackEnd || !events
            .Where(e => e.TrackId == cut.TrackId && e.Kind is SensorEventKind.Position or SensorEventKind.Interaction)
            .Select(e => e.TsMs).Order().Zip(events
                .Where(e => e.TrackId == cut.TrackId && e.Kind is SensorEventKind.Position or SensorEventKind.Interaction)
                .Select(e => e.TsMs).Order().Skip(1))
            .Any(pair => pair.First <= cut.TsMs && cut.TsMs < pair.Second && pair.Second - pair.First <= Timeout * 1000))
        .ToArray();

    /// <summary>The events in a random order, cut into random batches.</summary>
    private static IEnumerable<SensorEvent[]> Shuffled(SensorEvent[] events, int seed)
    {
        var random = new Random(seed);
        var order = events.ToArray();
        random.Shuffle(order);
        for (var at = 0; at < order.Length;)
        {
            var size = Math.Min(random.Next(1, 20), order.Length - at);
            yield return order[at..(at + size)];
            at += size;
        }
    }

    /// <summary>Everything but the dwell-time grid.</summary>
    private static string OrderFreeAnswers(FootfallLedger ledger) => Render(
        ledger.Occupancy,
        ledger.NewestTsMs,
        ledger.OpenTracks(),
        ledger.LiveBuckets().Select(b => (b.Time, b.Counts,
            new[] { b.Grid(HeatmapType.CustomerFlow), IntensityGrid.Empty, b.Grid(HeatmapType.Interactions) })));

    private static FootfallLedger Run(IEnumerable<SensorEvent[]> batches)
    {
        var ledger = new FootfallLedger(Rules);
        foreach (var batch in batches)
        {
            ledger.Apply(batch, Wall);
        }

        return ledger;
    }

    [Fact]
    public void Any_arrival_order_and_batching_gives_the_same_answers_as_ts_order()
    {
        Gen.Select(Streams, Gen.Int).Sample((events, seed) =>
        {
            var inOrder = Run([events]);
            var shuffled = Run(Shuffled(events, seed));
            Assert.Equal(OrderFreeAnswers(inOrder), OrderFreeAnswers(shuffled));
        }, iter: 400);
    }

    [Fact]
    public void A_checkpoint_between_any_two_out_of_order_batches_resumes_to_the_same_state()
    {
        Gen.Select(Streams, Gen.Int, Gen.Int[0, 30]).Sample((events, seed, at) =>
        {
            var batches = Shuffled(events, seed).ToList();
            var whole = Run(batches);
            var first = Run(batches.Take(at));
            var resumed = Restore(first.Checkpoint(), Rules);
            foreach (var batch in batches.Skip(at))
            {
                resumed.Apply(batch, Wall);
            }

            Assert.Equal(whole.Checkpoint(), resumed.Checkpoint());
        }, iter: 300);
    }

    [Fact]
    public void Lagging_samples_of_an_open_track_are_one_earlier_visit_not_a_visitor_each()
    {
        // Issue 13's case: track P is open from 14:30 to 14:35 (a sample every 10 s, timeout 60 s); another
        // gateway's batch, acknowledged later, carries P's samples from 14:27:00 to 14:28:00.
        var at1430 = new DateTimeOffset(2025, 12, 25, 14, 30, 0, TimeSpan.Zero);
        SensorEvent P(int secondsFrom1430) => new(SensorEventKind.Position, "P", at1430.AddSeconds(secondsFrom1430).ToUnixTimeMilliseconds(), 5, 5);
        var open = Enumerable.Range(0, 31).Select(i => P(i * 10)).ToArray();
        var lagging = Enumerable.Range(0, 7).Select(i => P(-180 + i * 10)).ToArray();
        var rules = new LocationRules(1000, 1000, 60);

        var late = new FootfallLedger(rules);
        late.Apply(open, Wall);
        late.Apply(lagging, Wall);
        var inOrder = new FootfallLedger(rules);
        inOrder.Apply([.. lagging, .. open], Wall);

        // Two visits: 14:27:00–14:28:00 and 14:30:00–14:35:00 (the gap of 2 minutes is past the timeout).
        var counts = late.AllCounts();
        Assert.Equal(2, counts.Visitors);
        Assert.Equal(60_000 + 300_000, counts.DwellMs);
        Assert.Equal(3.0, counts.DwellMs / 60_000.0 / counts.Visitors); // an average visit of 3 minutes
        Assert.Equal(OrderFreeAnswers(inOrder), OrderFreeAnswers(late));

        // A sample in the gap, within the timeout of both, makes them one visit of 8 minutes; the open track moves
        // to the bucket of 14:27: the 14:30 bucket loses the whole open track, the 14:15 bucket holds the merged one.
        var first = TimeBucket.OfMs(P(-180).TsMs);
        var second = TimeBucket.OfMs(P(0).TsMs);
        Assert.Equal(second, first + 1);
        Assert.Equal(new BucketCounts(1, 1, 1, 0, 0, 60_000, 0), late.CountsOf(first));
        Assert.Equal(new BucketCounts(1, 1, 1, 0, 0, 300_000, 0), late.CountsOf(second));
        late.Apply([P(-60)], Wall);
        Assert.Equal(new BucketCounts(1, 1, 1, 0, 0, 480_000, 0), late.AllCounts());
        Assert.Equal(new BucketCounts(1, 1, 1, 0, 0, 480_000, 0), late.CountsOf(first));
        Assert.Equal(BucketCounts.Zero, late.CountsOf(second));
        Assert.Equal(1, late.Occupancy);
        Assert.True(late.TryGetOpenTrack("P", out var merged));
        Assert.Equal(P(-180).TsMs, merged.FirstSeenMs);
    }

    [Fact]
    public void A_late_track_end_cuts_the_events_that_arrive_after_it_and_ends_the_track()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Feed(End("t-1", 20));
        ledger.Feed(Pos("t-1", 25), Pos("t-1", 30));
        ledger.Feed(Pos("t-1", 10), Pos("t-1", 15));

        // Two visits either side of the cut at 20 s, whatever the order they arrived in.
        Assert.Equal(new BucketCounts(2, 2, 0, 0, 0, 10_000, 0), ledger.AllCounts());
        Assert.True(ledger.TryGetOpenTrack("t-1", out var open));
        Assert.Equal(Ms(25), open.FirstSeenMs);
    }

    [Fact]
    public void Tracks_beyond_the_reorder_window_are_forgotten_and_a_later_event_starts_a_new_visit()
    {
        var ledger = new FootfallLedger(Rules, new TrackRetention(TimeSpan.FromMinutes(10), 1_000));
        ledger.Feed(Pos("old", 0), Pos("old", 5));
        ledger.Feed(Pos("other", 600));
        Assert.Equal(2, ledger.HeldTracks);

        // The window (10 min) plus the timeout has passed "old" by: it is forgotten.
        for (var t = 625; t <= 800; t += 25)
        {
            ledger.Feed(Pos("other", t));
        }

        Assert.Equal(1, ledger.HeldTracks);

        // Acknowledgement order decides beyond the window: "old" at 20 s is a visit of its own now.
        ledger.Feed(Pos("old", 20));
        Assert.Equal(3, ledger.AllCounts().Visitors);
    }

    [Fact]
    public void Past_the_cap_the_oldest_tracks_are_forgotten_early_and_counted_while_counts_stay()
    {
        var ledger = new FootfallLedger(Rules, new TrackRetention(TimeSpan.FromHours(1), 64));
        var forgotten = 0;
        for (var i = 0; i < 200; i++)
        {
            forgotten += ledger.Feed(Pos($"id-{i}", i * 0.1)).TracksForgottenEarly;
        }

        Assert.InRange(ledger.HeldTracks, 1, 64);
        Assert.Equal(200 - ledger.HeldTracks, forgotten);
        Assert.Equal(ledger.HeldTracks, ledger.Occupancy);
        Assert.Equal(200, ledger.AllCounts().Visitors);
        Assert.False(ledger.TryGetOpenTrack("id-0", out _));
        Assert.True(ledger.TryGetOpenTrack("id-199", out _));
    }
}
