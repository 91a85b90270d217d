using CsCheck;
using HeatmapSaas.Grains.Footfall;
using static HeatmapSaas.Tests.Footfall.FootfallKit;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>
/// "The same events acknowledged in the same order give the same answers however they were cut into batches",
/// and the other whole-stream promises: effects add up to the state, checkpoints and bucket closing lose nothing.
/// Streams are in ts order (ties included) — the order in which re-cutting cannot change what takes effect.
/// </summary>
public class BatchCuttingProperties
{
    private const int Timeout = 30;
    private const int Iterations = 300;
    private static readonly LocationRules Rules = new(1000, 1000, Timeout);

    /// <summary>
    /// A few ids reused over minutes, so tracks end by track_end, by timeout and get reused; gaps from 0 (equal ts)
    /// to 40 s (past the timeout); a start 20 s before a bucket boundary so visits straddle buckets.
    /// </summary>
    private static Gen<SensorEvent[]> Streams(bool strictlyIncreasing = false) =>
        Gen.Select(Gen.Int[0, 19], Gen.Int[0, 5], Gen.Int[0, 9], Gen.Int[0, 40_000], Gen.Int[0, 19], Gen.Int[0, 19])
            .Array[1, 250]
            .Select(steps =>
            {
                var events = new SensorEvent[steps.Length];
                var ts = Ms(-20);
                for (var i = 0; i < steps.Length; i++)
                {
                    var (kind, track, gapClass, gap, x, y) = steps[i];
                    ts += gapClass switch
                    {
                        0 => 0,
                        <= 6 => gap % 1_500,
                        7 => gap % 12_000,
                        8 => Timeout * 1000 + gap % 2, // exactly at, or just past, the timeout
                        _ => gap,
                    } + (strictlyIncreasing ? 1 : 0);
                    var id = "t-" + track;
                    events[i] = kind switch
                    {
                        < 12 => new SensorEvent(SensorEventKind.Position, id, ts, x * 10 + 3.5, y * 10 + 7.25),
                        < 15 => new SensorEvent(SensorEventKind.Interaction, id, ts, x * 10, y * 10),
                        < 17 => new SensorEvent(SensorEventKind.TrackEnd, id, ts),
                        _ => new SensorEvent(SensorEventKind.Conversion, kind == 19 ? id : null, ts, Value: 1.25m * track),
                    };
                }

                return events;
            });

    private static readonly Gen<int[]> Cuts = Gen.Int[1, 40].Array[1, 30];

    /// <summary>The stream cut into consecutive batches of the given sizes, repeated as needed.</summary>
    private static IEnumerable<SensorEvent[]> Batches(SensorEvent[] events, int[] sizes)
    {
        for (int at = 0, i = 0; at < events.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], events.Length - at);
            yield return events[at..(at + size)];
            at += size;
        }
    }

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
    public void Recutting_the_same_events_into_other_batches_gives_identical_results()
    {
        Gen.Select(Streams(), Cuts).Sample((events, cuts) =>
        {
            var whole = Run([events]);
            var single = Run(events.Select(e => new[] { e }));
            var cut = Run(Batches(events, cuts));

            Assert.Equal(whole.Describe(), single.Describe());
            Assert.Equal(whole.Describe(), cut.Describe());
            Assert.Equal(whole.Checkpoint(), cut.Checkpoint());
        }, iter: Iterations);
    }

    [Fact]
    public void The_ledger_agrees_with_a_plain_reference_implementation_of_the_contract()
    {
        Gen.Select(Streams(), Cuts).Sample((events, cuts) =>
        {
            var reference = new ReferenceFootfall(Timeout);
            foreach (var e in events)
            {
                reference.Apply(e);
            }

            Assert.Equal(reference.Describe(), Run(Batches(events, cuts)).Describe());
        }, iter: Iterations);
    }

    [Fact]
    public void Shuffling_events_inside_their_batches_changes_nothing()
    {
        Gen.Select(Streams(strictlyIncreasing: true), Cuts, Gen.Int).Sample((events, cuts, seed) =>
        {
            var random = new Random(seed);
            var shuffled = Batches(events, cuts).Select(batch =>
            {
                var copy = (SensorEvent[])batch.Clone();
                random.Shuffle(copy);
                return copy;
            });

            Assert.Equal(Run(Batches(events, cuts)).Describe(), Run(shuffled).Describe());
        }, iter: Iterations);
    }

    [Fact]
    public void The_effects_of_all_batches_add_up_to_the_ledger()
    {
        Gen.Select(Streams(), Cuts).Sample((events, cuts) =>
        {
            var ledger = new FootfallLedger(Rules);
            var grids = new Dictionary<(TimeBucket, HeatmapType), IntensityGrid>();
            var samples = 0L;
            foreach (var batch in Batches(events, cuts))
            {
                var effect = ledger.Apply(batch, Wall);
                foreach (var change in effect.Grids)
                {
                    if (!grids.TryGetValue((change.Bucket, change.Type), out var grid))
                    {
                        grids[(change.Bucket, change.Type)] = grid = new IntensityGrid();
                    }

                    grid.AddAll(change.Added);
                    samples += change.Samples;
                }

                Assert.Equal(ledger.NewestTsMs, effect.NewestTsMs);
            }

            Assert.Equal(events.Count(e => e.Kind == SensorEventKind.Position) * 2 + events.Count(e => e.Kind == SensorEventKind.Interaction), samples);
            foreach (var bucket in ledger.LiveBuckets())
            {
                foreach (var type in HeatmapTypes.All)
                {
                    Assert.Equal((grids.GetValueOrDefault((bucket.Time, type)) ?? IntensityGrid.Empty).ToCells(), bucket.Grid(type).ToCells());
                }
            }
        }, iter: Iterations);
    }

    [Fact]
    public void A_checkpoint_between_any_two_batches_resumes_to_the_same_answers()
    {
        Gen.Select(Streams(), Cuts).Sample((events, cuts) =>
        {
            var ledger = new FootfallLedger(Rules);
            foreach (var batch in Batches(events, cuts))
            {
                ledger.Apply(batch, Wall);
                var checkpoint = ledger.Checkpoint();
                ledger = Restore(checkpoint, Rules);
                Assert.Equal(checkpoint, ledger.Checkpoint());
            }

            Assert.Equal(Run([events]).Describe(), ledger.Describe());
        }, iter: Iterations);
    }

    [Fact]
    public void Closing_buckets_along_the_way_loses_and_doubles_nothing()
    {
        Gen.Select(Streams(), Cuts, Gen.Int[0, 8], Gen.Int[0, 8]).Sample((events, cuts, liveWindow, gridWindow) =>
        {
            var ledger = new FootfallLedger(Rules);
            var history = new Dictionary<TimeBucket, (BucketCounts Counts, IntensityGrid[] Grids)>();
            foreach (var batch in Batches(events, cuts))
            {
                ledger.Apply(batch, Wall);
                var pinned = ledger.OpenTracks().Select(t => TimeBucket.OfMs(t.FirstSeenMs)).ToHashSet();
                var before = TimeBucket.OfMs(ledger.NewestTsMs!.Value) - liveWindow;
                var gridsBefore = TimeBucket.OfMs(ledger.NewestTsMs!.Value) - gridWindow;
                var closing = ledger.ClosableBefore(before, gridsBefore);
                ledger.Close(closing);
                foreach (var closed in closing.Whole)
                {
                    Assert.True(closed.Time < before);
                    Assert.DoesNotContain(closed.Time, pinned);
                    Assert.Null(ledger.LiveBucket(closed.Time));
                }

                foreach (var part in closing.Grids)
                {
                    Assert.True(part.Time < gridsBefore);
                    Assert.Equal(BucketCounts.Zero, part.Counts);
                    Assert.True(ledger.LiveBucket(part.Time) is { } live && HeatmapTypes.All.All(t => live.Grid(t).IsEmpty));
                }

                foreach (var closed in closing.ToStore())
                {
                    // The history store adds increments up; it never replaces.
                    var (counts, grids) = history.GetValueOrDefault(closed.Time, (BucketCounts.Zero, HeatmapTypes.All.Select(_ => new IntensityGrid()).ToArray()));
                    foreach (var type in HeatmapTypes.All)
                    {
                        grids[(int)type].AddAll(closed.Grid(type));
                    }

                    history[closed.Time] = (counts + closed.Counts, grids);
                }
            }

            foreach (var bucket in ledger.LiveBuckets())
            {
                var (counts, grids) = history.GetValueOrDefault(bucket.Time, (BucketCounts.Zero, HeatmapTypes.All.Select(_ => new IntensityGrid()).ToArray()));
                foreach (var type in HeatmapTypes.All)
                {
                    grids[(int)type].AddAll(bucket.Grid(type));
                }

                history[bucket.Time] = (counts + bucket.Counts, grids);
            }

            var uncut = Run([events]);
            var expected = Render(0, null, [], uncut.LiveBuckets().Select(b => (b.Time, b.Counts, HeatmapTypes.All.Select(b.Grid).ToArray())));
            var actual = Render(0, null, [], history.Select(h => (h.Key, h.Value.Counts, h.Value.Grids)));
            Assert.Equal(expected, actual);
        }, iter: Iterations);
    }
}
