using HeatmapSaas.Grains.Footfall;
using static HeatmapSaas.Tests.Footfall.FootfallKit;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>The contract's "What the counts mean", one definition at a time.</summary>
public class TrackCountingTests
{
    [Fact]
    public void A_single_position_is_one_visitor_and_one_impression_and_opens_the_store()
    {
        var ledger = NewLedger();
        var effect = ledger.Feed(Pos("t-1", 0));

        var counts = ledger.CountsOf(B0);
        Assert.Equal(1, counts.Visitors);
        Assert.Equal(1, counts.Impressions);
        Assert.Equal(0, counts.Discoveries);
        Assert.Equal(0, counts.Engagements);
        Assert.Equal(0, counts.Interactions);
        Assert.Equal(1, ledger.Occupancy);
        Assert.Equal(0, effect.TracksEnded); // the one open track is the one this batch started
        Assert.Equal(Ms(0), effect.NewestTsMs);
    }

    [Theory]
    [InlineData(2.999, 0)]
    [InlineData(3.000, 1)]
    [InlineData(3.001, 1)]
    public void A_discovery_is_a_dwell_of_at_least_three_seconds(double dwellSeconds, long discoveries)
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("t-1", 0), Pos("t-1", dwellSeconds));

        Assert.Equal(discoveries, ledger.CountsOf(B0).Discoveries);
        Assert.Equal(0, ledger.CountsOf(B0).Engagements);
    }

    [Theory]
    [InlineData(9.999, 0)]
    [InlineData(10.000, 1)]
    public void An_engagement_is_a_dwell_of_at_least_ten_seconds(double dwellSeconds, long engagements)
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("t-1", 0), Pos("t-1", dwellSeconds));

        Assert.Equal(engagements, ledger.CountsOf(B0).Engagements);
        Assert.Equal(1, ledger.CountsOf(B0).Discoveries);
    }

    [Fact]
    public void Counts_are_live_a_track_becomes_a_discovery_the_moment_its_dwell_reaches_three_seconds()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("t-1", 0), Pos("t-1", 1));
        Assert.Equal(0, ledger.CountsOf(B0).Discoveries);

        var before = ledger.CountsOf(B0);
        ledger.Feed(Pos("t-1", 3));

        Assert.Equal(1, ledger.CountsOf(B0).Discoveries);
        Assert.Equal(1, ledger.Occupancy);
        Assert.Equal(before with { Discoveries = 1, DwellMs = before.DwellMs + 2_000 }, ledger.CountsOf(B0));
        Assert.Equal([B0.Index], ledger.CountsByBucket(B0 - 10, B0 + 10).Keys);
    }

    [Fact]
    public void An_interaction_is_a_track_with_at_least_one_interaction_event_counted_once()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("t-1", 0), Tap("t-1", 1), Tap("t-1", 2), Tap("t-1", 3), Pos("t-2", 0));

        var counts = ledger.CountsOf(B0);
        Assert.Equal(2, counts.Visitors);
        Assert.Equal(1, counts.Interactions);
    }

    [Fact]
    public void An_interaction_event_opens_and_extends_a_track_like_a_position()
    {
        var ledger = NewLedger();
        ledger.Feed(Tap("t-1", 0), Tap("t-1", 4));

        Assert.Equal(new BucketCounts(1, 1, 0, 1, 0, 4_000, 0), ledger.CountsOf(B0));
    }

    [Fact]
    public void Track_end_and_conversion_events_neither_open_nor_extend_a_track()
    {
        var ledger = NewLedger();
        ledger.Feed(End("ghost", 0), Buy(1, id: "ghost"));
        Assert.Equal(0, ledger.Occupancy);
        Assert.Equal(0, ledger.CountsOf(B0).Visitors);

        ledger.Feed(Pos("t-1", 2), Buy(20, id: "t-1"));
        Assert.True(ledger.TryGetOpenTrack("t-1", out var track));
        Assert.Equal(0, track.DwellMs);
    }

    [Fact]
    public void Dwell_is_last_seen_minus_first_seen_and_sums_for_the_average_duration_including_open_tracks()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("a", 0), Pos("a", 12), End("a", 13), Pos("b", 1), Pos("b", 5));

        var counts = ledger.CountsOf(B0);
        Assert.Equal(2, counts.Visitors);
        Assert.Equal(16_000, counts.DwellMs);
        Assert.Equal(8.0, counts.DwellMs / 1000.0 / counts.Visitors, 9); // the average duration's numerator and denominator
        Assert.True(ledger.TryGetOpenTrack("b", out var open));
        Assert.Equal(4_000, open.DwellMs);
        Assert.False(ledger.TryGetOpenTrack("a", out _));
    }

    [Fact]
    public void Track_end_ends_the_track_and_the_same_id_afterwards_is_a_new_visitor()
    {
        var ledger = NewLedger();
        var ended = ledger.Feed(Pos("t-1", 0), Pos("t-1", 5), End("t-1", 6));
        Assert.Equal(0, ledger.Occupancy);
        Assert.Equal(1, ended.TracksEnded);

        ledger.Feed(Pos("t-1", 7));

        Assert.Equal(2, ledger.CountsOf(B0).Visitors);
        Assert.Equal(1, ledger.CountsOf(B0).Discoveries);
        Assert.True(ledger.TryGetOpenTrack("t-1", out var track));
        Assert.Equal(Ms(7), track.FirstSeenMs);
    }

    [Fact]
    public void A_track_ends_when_the_newest_event_ts_passes_last_seen_plus_the_timeout()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Feed(Pos("t-1", 0), Pos("u", 30));
        Assert.True(ledger.TryGetOpenTrack("t-1", out _)); // exactly last_seen + timeout has not passed it

        var effect = ledger.Feed(Pos("u", 30.001));
        Assert.False(ledger.TryGetOpenTrack("t-1", out _));
        Assert.Equal(1, effect.TracksEnded);
        Assert.Equal(1, ledger.Occupancy);
    }

    [Fact]
    public void A_track_exactly_at_the_timeout_survives_while_an_older_one_ends_with_the_same_event()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Feed(Pos("old", 0), Pos("edge", 1));

        ledger.Feed(Pos("u", 31));

        Assert.False(ledger.TryGetOpenTrack("old", out _));
        Assert.True(ledger.TryGetOpenTrack("edge", out _));
    }

    [Fact]
    public void Any_event_type_advances_the_location_clock_for_timeouts()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Feed(Pos("t-1", 0));

        ledger.Feed(Buy(31));

        Assert.Equal(0, ledger.Occupancy);
    }

    [Fact]
    public void An_id_seen_again_after_a_timeout_is_a_new_visitor_and_the_old_track_keeps_its_dwell()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Feed(Pos("t-1", 0), Pos("t-1", 4), Pos("t-1", 40));

        var counts = ledger.CountsOf(B0);
        Assert.Equal(2, counts.Visitors);
        Assert.Equal(1, counts.Discoveries);
        Assert.Equal(4_000, counts.DwellMs);
        Assert.True(ledger.TryGetOpenTrack("t-1", out var track));
        Assert.Equal(Ms(40), track.FirstSeenMs);
    }

    [Fact]
    public void Wall_clock_silence_for_the_timeout_ends_every_open_track_and_changes_no_count()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Apply(new[] { Pos("a", 0), Pos("a", 5), Pos("b", 1) }, Wall);
        var before = ledger.CountsOf(B0);
        Assert.Equal(Wall.AddSeconds(30), ledger.IdleExpiryDue);

        var early = ledger.ExpireIdle(Wall.AddSeconds(29.999));
        Assert.Equal(2, ledger.Occupancy);
        Assert.Equal(0, early.TracksEnded);
        Assert.Empty(early.Grids);

        var expired = ledger.ExpireIdle(Wall.AddSeconds(30));
        Assert.Equal(0, ledger.Occupancy);
        Assert.Equal(2, expired.TracksEnded);
        Assert.Empty(expired.Grids);
        Assert.Equal(before, ledger.CountsOf(B0));
        Assert.Null(ledger.IdleExpiryDue);
    }

    [Fact]
    public void Silence_ends_tracks_for_occupancy_only_an_event_within_the_timeout_still_joins_its_track()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Apply(new[] { Pos("t-1", 0) }, Wall);

        // The grain's timer never fired, but the next batch arrives after 40 s of silence: the track ended for
        // occupancy first, and is open again with the event 5 s (event time) after its last one.
        var effect = ledger.Apply(new[] { Pos("t-1", 5) }, Wall.AddSeconds(40));

        Assert.Equal(1, ledger.CountsOf(B0).Visitors);
        Assert.Equal(5_000, ledger.CountsOf(B0).DwellMs);
        Assert.Equal(1, effect.TracksEnded);
        Assert.Equal(1, ledger.Occupancy); // open again: 1 before, 1 ended, so 1 started
    }

    [Fact]
    public void Batches_within_the_timeout_of_wall_clock_keep_tracks_open()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Apply(new[] { Pos("t-1", 0) }, Wall);
        ledger.Apply(new[] { Pos("x", 1) }, Wall.AddSeconds(20));
        ledger.Apply(new[] { Pos("t-1", 5) }, Wall.AddSeconds(40));

        Assert.Equal(2, ledger.CountsOf(B0).Visitors);
        Assert.Equal(5_000, ledger.CountsOf(B0).DwellMs);
    }

    [Fact]
    public void Conversions_count_in_the_bucket_of_their_own_ts_with_or_without_a_track()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("t-1", 0), Pos("t-1", 5), End("t-1", 6));

        // After the track ended, a quarter of an hour later.
        ledger.Feed(Buy(15 * 60 + 1, 19.99m, "t-1"), Buy(15 * 60 + 2, 5m));

        Assert.Equal(0, ledger.CountsOf(B0).Conversions);
        var later = ledger.CountsOf(B0 + 1);
        Assert.Equal(2, later.Conversions);
        Assert.Equal(24.99m, later.ConversionValue);
        Assert.Equal(0, later.Visitors);
        Assert.Equal(0, ledger.Occupancy);
        Assert.Equal(1, ledger.CountsOf(B0).Visitors); // no conversions in the visitors' bucket
        var both = ledger.CountsBetween(B0, B0 + 2);
        Assert.Equal((1, 2), (both.Visitors, both.Conversions));
    }

    [Fact]
    public void Occupancy_is_the_number_of_open_tracks_now()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("a", 0), Pos("b", 0), Tap("c", 1));
        Assert.Equal(3, ledger.Occupancy);

        var effect = ledger.Feed(End("b", 2));

        Assert.Equal(2, ledger.Occupancy);
        Assert.Equal(1, effect.TracksEnded);
        Assert.Equal(["a", "c"], ledger.OpenTracks().Select(t => t.Id).Order().ToArray());
    }

    [Fact]
    public void Every_per_person_count_goes_to_the_bucket_of_first_seen_while_samples_go_to_their_own()
    {
        var ledger = NewLedger();
        var justBeforeBoundary = 15 * 60 - 2;
        ledger.Feed(Pos("t-1", justBeforeBoundary, 15, 15), Tap("t-1", justBeforeBoundary + 12, 25, 25));

        Assert.Equal(new BucketCounts(1, 1, 1, 1, 0, 12_000, 0), ledger.CountsOf(B0));
        Assert.Equal(BucketCounts.Zero, ledger.CountsOf(B0 + 1));
        Assert.Equal(1, ledger.GridOf(B0, HeatmapType.CustomerFlow)[1, 1]);
        Assert.Equal(1, ledger.GridOf(B0 + 1, HeatmapType.Interactions)[2, 2]);
        Assert.True(ledger.GridOf(B0, HeatmapType.Interactions).IsEmpty);
    }

    [Fact]
    public void Inside_a_batch_events_take_effect_in_ts_order()
    {
        var ledger = NewLedger();

        // Sent out of order; in ts order this is a visit ended at 3 s and a new visit at 5 s.
        ledger.Feed(Pos("t-1", 5), End("t-1", 3), Pos("t-1", 0));

        var counts = ledger.CountsOf(B0);
        Assert.Equal(2, counts.Visitors);
        Assert.Equal(0, counts.DwellMs);
        Assert.True(ledger.TryGetOpenTrack("t-1", out var track));
        Assert.Equal(Ms(5), track.FirstSeenMs);
    }

    [Fact]
    public void A_position_at_the_ts_of_a_track_end_belongs_before_the_cut_in_either_order()
    {
        var first = NewLedger();
        first.Feed(Pos("t-1", 0), Pos("t-1", 5), End("t-1", 5));

        var second = NewLedger();
        second.Feed(Pos("t-1", 0), End("t-1", 5), Pos("t-1", 5));

        foreach (var ledger in new[] { first, second })
        {
            Assert.Equal(0, ledger.Occupancy);
            Assert.Equal(new BucketCounts(1, 1, 0, 0, 0, 5_000, 0), ledger.CountsOf(B0));
        }

        // Just after the cut: a new visitor.
        second.Feed(Pos("t-1", 5.001));
        Assert.Equal(2, second.CountsOf(B0).Visitors);
        Assert.Equal(1, second.Occupancy);
    }

    [Fact]
    public void An_event_earlier_than_first_seen_within_the_timeout_moves_first_seen()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Feed(Pos("t-1", 10));
        ledger.Feed(Pos("t-1", 4));

        Assert.True(ledger.TryGetOpenTrack("t-1", out var track));
        Assert.Equal(Ms(4), track.FirstSeenMs);
        Assert.Equal(Ms(10), track.LastSeenMs);
        Assert.Equal(new BucketCounts(1, 1, 0, 0, 0, 6_000, 0), ledger.CountsOf(B0));
    }

    [Fact]
    public void When_first_seen_moves_to_an_earlier_bucket_the_whole_track_moves_with_it()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Feed(Pos("t-1", 2), Tap("t-1", 3));
        Assert.Equal(1, ledger.CountsOf(B0).Visitors);

        var before = ledger.CountsBetween(B0 - 1, B0 + 1);
        Assert.Equal(new BucketCounts(1, 0, 0, 1, 0, 1_000, 0), ledger.CountsOf(B0));
        ledger.Feed(Pos("t-1", -3));

        Assert.Equal(BucketCounts.Zero, ledger.CountsOf(B0));
        Assert.Equal(new BucketCounts(1, 1, 0, 1, 0, 6_000, 0), ledger.CountsOf(B0 - 1));
        Assert.Equal(before with { Discoveries = before.Discoveries + 1, DwellMs = before.DwellMs + 5_000 }, ledger.CountsBetween(B0 - 1, B0 + 1));
    }

    [Fact]
    public void An_event_older_than_first_seen_by_more_than_the_timeout_is_a_visit_of_its_own_already_over()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Feed(Pos("t-1", 100), Pos("t-1", 102));

        var effect = ledger.Feed(Tap("t-1", 10));

        Assert.True(ledger.TryGetOpenTrack("t-1", out var open));
        Assert.Equal(Ms(100), open.FirstSeenMs);
        Assert.Equal(1, ledger.Occupancy); // the old visit did not open: nothing started, nothing ended
        Assert.Equal(0, effect.TracksEnded);
        Assert.Equal(new BucketCounts(2, 0, 0, 1, 0, 2_000, 0), ledger.CountsOf(B0));
        Assert.Equal(1, ledger.GridOf(B0, HeatmapType.Interactions)[0, 0]);
    }

    [Fact]
    public void A_late_batch_does_not_end_tracks_that_newer_events_kept_alive()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Feed(Pos("live", 100), Pos("live", 110));

        // A gateway that was offline uploads its buffer: one visit from 0 s to 20 s.
        ledger.Feed(Pos("late", 0), Pos("late", 1), Pos("late", 10), Pos("late", 20));

        // Counted whole, but not open: by the location's newest event (110 s) the late visit was over.
        Assert.True(ledger.TryGetOpenTrack("live", out _));
        Assert.False(ledger.TryGetOpenTrack("late", out _));
        Assert.Equal(new BucketCounts(2, 2, 2, 0, 0, 30_000, 0), ledger.CountsOf(B0));
        Assert.Equal(1, ledger.Occupancy);
        Assert.Equal(Ms(110), ledger.NewestTsMs); // last-update never moves back
    }

    [Fact]
    public void A_changed_timeout_applies_to_later_events()
    {
        var ledger = NewLedger(timeoutSeconds: 30);
        ledger.Feed(Pos("t-1", 0));
        ledger.Rules = new LocationRules(1000, 1000, 5);

        ledger.Feed(Pos("u", 6));

        Assert.False(ledger.TryGetOpenTrack("t-1", out _));
    }

    [Fact]
    public void Counts_between_buckets_add_up_the_range()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("a", 0), Pos("b", 15 * 60), Pos("c", 30 * 60), Buy(30 * 60 + 1));

        Assert.Equal(1, ledger.CountsBetween(B0, B0 + 1).Visitors);
        Assert.Equal(2, ledger.CountsBetween(B0 + 1, B0 + 3).Visitors);
        Assert.Equal(3, ledger.CountsBetween(B0 - 100, B0 + 100).Visitors);
        Assert.Equal(1, ledger.CountsBetween(B0 - 100, B0 + 100).Conversions);
        Assert.Equal(BucketCounts.Zero, ledger.CountsBetween(B0 + 3, B0));
    }

    [Fact]
    public void The_effect_lists_count_changes_per_bucket_in_order_and_omits_unchanged_buckets()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("a", 0));

        var before = ledger.CountsByBucket(B0 - 10, B0 + 10);
        var effect = ledger.Feed(Pos("b", 15 * 60 + 1), Pos("a", 1), Buy(15 * 60 + 2), Pos("c", 15 * 60 + 30));

        var after = ledger.CountsByBucket(B0 - 10, B0 + 10);
        Assert.Equal([B0.Index, (B0 + 1).Index], after.Keys.Order().ToArray());
        Assert.Equal(before[B0.Index] with { DwellMs = before[B0.Index].DwellMs + 1_000 }, after[B0.Index]);
        Assert.Equal(new BucketCounts(2, 0, 0, 0, 1, 0, 10m), after[(B0 + 1).Index]);
        Assert.Equal(1, effect.TracksEnded); // c's ts passed a's last_seen + timeout

        var nothing = ledger.Feed(Pos("b", 15 * 60 + 1));
        Assert.Equal(after, ledger.CountsByBucket(B0 - 10, B0 + 10));
        Assert.Single(nothing.Grids, g => g.Type == HeatmapType.CustomerFlow);
        Assert.Equal(2, ledger.Occupancy);
    }
}
