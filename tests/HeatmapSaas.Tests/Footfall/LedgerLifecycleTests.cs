using HeatmapSaas.Grains.Footfall;
using static HeatmapSaas.Tests.Footfall.FootfallKit;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>Checkpoints and closing old buckets: what a grain does between batches.</summary>
public class LedgerLifecycleTests
{
    private static FootfallLedger Busy()
    {
        var ledger = NewLedger();
        ledger.Feed(
            Pos("a", 0, 15, 25), Tap("a", 2, 15, 25), Pos("a", 4, 35, 25),
            Pos("b", 5, 500, 500), End("a", 6), Buy(7, 19.99m, "a"),
            Pos("c", 15 * 60 - 1, 990, 990), Pos("c", 15 * 60 + 11, 980, 990), Buy(15 * 60 + 12, 5m));
        return ledger;
    }

    [Fact]
    public void A_checkpoint_round_trips_tracks_counts_grids_and_clocks()
    {
        var ledger = Busy();
        Assert.Equal(0, ledger.ExpireIdle(Wall).TracksEnded); // not silent long enough: nothing ends
        var checkpoint = ledger.Checkpoint();

        var restored = Restore(checkpoint, ledger.Rules);

        Assert.Equal(FootfallLedger.SnapshotVersion, checkpoint[0]);
        Assert.Equal(ledger.Describe(), restored.Describe());
        Assert.Equal(ledger.IdleExpiryDue, restored.IdleExpiryDue); // from the last-received wall clock
        Assert.NotNull(restored.IdleExpiryDue);
        Assert.Equal(checkpoint, restored.Checkpoint());

        // The restored ledger goes on exactly as the original.
        SensorEvent[] next = [Pos("b", 20, 500, 500), Pos("c", 15 * 60 + 40, 970, 990), Pos("a", 21)];
        var expected = ledger.Apply(next, Wall.AddSeconds(5));
        var actual = restored.Apply(next, Wall.AddSeconds(5));
        Assert.Equal(expected.Grids.Select(g => (g.Bucket, g.Type, g.Samples)), actual.Grids.Select(g => (g.Bucket, g.Type, g.Samples)));
        Assert.Equal(ledger.CountsByBucket(B0, B0 + 3), restored.CountsByBucket(B0, B0 + 3));
        Assert.Equal(ledger.Describe(), restored.Describe());

        // And so does its silence (c's ts ended a and b; c is the one left).
        Assert.Equal(1, ledger.ExpireIdle(Wall.AddSeconds(35)).TracksEnded);
        Assert.Equal(1, restored.ExpireIdle(Wall.AddSeconds(35)).TracksEnded);
    }

    [Fact]
    public void An_empty_ledger_round_trips()
    {
        var empty = NewLedger();
        var restored = Restore(empty.Checkpoint(), empty.Rules);

        Assert.Null(restored.NewestTsMs);
        Assert.Null(restored.IdleExpiryDue);
        Assert.Empty(restored.LiveBuckets());
        Assert.Equal(empty.Checkpoint(), restored.Checkpoint());
        Assert.Equal(empty.Describe(), restored.Describe());
    }

    [Fact]
    public void A_checkpoint_is_compact()
    {
        var ledger = NewLedger();
        var events = new List<SensorEvent>();
        for (var person = 0; person < 200; person++)
        {
            for (var step = 0; step < 20; step++)
            {
                events.Add(Pos($"visitor-{person:D4}", person * 4 + step * 0.5, (person * 37 + step * 10) % 1000, (person * 53) % 1000));
            }
        }

        ledger.Feed([.. events.OrderBy(e => e.TsMs)]);

        // 4,000 samples over 2 buckets: a few hundred cells per grid, a few bytes per cell.
        Assert.True(ledger.Checkpoint().Length < 40_000, $"{ledger.Checkpoint().Length} bytes");
    }

    [Fact]
    public void An_unknown_checkpoint_version_is_refused_rather_than_misread()
    {
        var checkpoint = Busy().Checkpoint();
        checkpoint[0] = FootfallLedger.SnapshotVersion + 1;

        Assert.Throws<InvalidDataException>(() => Restore(checkpoint, LocationRules.Default));
    }

    [Fact]
    public void Closing_returns_the_old_buckets_in_order_and_forgets_them()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("a", 0), End("a", 1), Buy(15 * 60), Pos("b", 30 * 60 + 5));

        var closed = ledger.CloseBefore(B0 + 2).Whole;

        Assert.Equal([B0, B0 + 1], closed.Select(b => b.Time).ToArray());
        Assert.Equal(1, closed[0].Counts.Visitors);
        Assert.Equal(1, closed[0].Grid(HeatmapType.CustomerFlow)[0, 0]);
        Assert.Equal(1, closed[1].Counts.Conversions);
        Assert.Equal([B0 + 2], ledger.LiveBuckets().Select(b => b.Time).ToArray());
        Assert.Equal(1, ledger.CountsBetween(B0, B0 + 3).Visitors);
    }

    [Fact]
    public void A_bucket_stays_live_while_a_track_first_seen_in_it_is_open()
    {
        var ledger = NewLedger(timeoutSeconds: 3600);
        ledger.Feed(Pos("stays", 0), Pos("leaves", 1), End("leaves", 2), Pos("stays", 20 * 60));

        // B0 + 1 only holds samples; B0 is where "stays" was first seen.
        Assert.Equal([B0 + 1], ledger.CloseBefore(B0 + 2).Whole.Select(b => b.Time).ToArray());
        Assert.Equal(1, ledger.CountsOf(B0).Engagements);

        ledger.Feed(Pos("stays", 25 * 60));
        Assert.Equal(25 * 60_000, ledger.CountsOf(B0).DwellMs); // the open track's dwell keeps growing there

        ledger.Feed(End("stays", 26 * 60));
        var closed = Assert.Single(ledger.CloseBefore(B0 + 1).Whole);
        Assert.Equal(new BucketCounts(2, 1, 1, 0, 0, 25 * 60_000, 0), closed.Counts); // track_end does not extend
    }

    [Fact]
    public void A_late_event_for_a_closed_bucket_brings_back_an_increment_that_closes_again()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("a", 0, 5, 5), End("a", 1));
        var first = Assert.Single(ledger.CloseBefore(B0 + 1).Whole);

        ledger.Feed(Pos("late", 2, 5, 5), End("late", 2.5), Buy(3));

        var again = Assert.Single(ledger.CloseBefore(B0 + 1).Whole);
        Assert.Equal(B0, again.Time);
        Assert.Equal(new BucketCounts(1, 0, 0, 0, 1, 0, 10m), again.Counts);
        Assert.Equal(1, again.Grid(HeatmapType.CustomerFlow)[0, 0]);
        Assert.Equal(2, (first.Counts + again.Counts).Visitors);
    }

    [Fact]
    public void Grids_close_ahead_of_their_counts_and_late_samples_start_new_ones()
    {
        var ledger = NewLedger(timeoutSeconds: 3600);
        ledger.Feed(Pos("stays", 0, 5, 5), Pos("stays", 20 * 60, 15, 5));

        // B0 is pinned by the open track, so it cannot close whole; the grids of both buckets can.
        var closing = ledger.ClosableBefore(B0 + 1, gridsBefore: B0 + 2);
        Assert.Empty(closing.Whole);
        Assert.Equal([B0, B0 + 1], closing.Grids.Select(b => b.Time).ToArray());
        Assert.Equal(BucketCounts.Zero, closing.Grids[0].Counts);
        Assert.Equal(1, closing.Grids[0].Grid(HeatmapType.CustomerFlow)[0, 0]);
        Assert.Equal(5_000, closing.Grids[1].Grid(HeatmapType.DwellTime)[1, 0]);

        ledger.Close(closing);
        Assert.True(ledger.GridOf(B0, HeatmapType.CustomerFlow).IsEmpty);
        Assert.True(ledger.GridOf(B0 + 1, HeatmapType.DwellTime).IsEmpty);
        Assert.Equal(1, ledger.CountsOf(B0).Visitors);
        Assert.Equal(20 * 60_000, ledger.CountsOf(B0).DwellMs);

        // A late sample in B0 starts a new grid there, and only it leaves with the next closing.
        ledger.Feed(Pos("late", 60, 5, 5));
        var again = ledger.ClosableBefore(B0 + 1, gridsBefore: B0 + 2);
        var part = Assert.Single(again.Grids);
        Assert.Equal(B0, part.Time);
        Assert.Equal(1, part.Grid(HeatmapType.CustomerFlow)[0, 0]);
        Assert.Equal(2, ledger.CountsOf(B0).Visitors);
    }
}
