using HeatmapSaas.Grains.Locations;

namespace HeatmapSaas.Tests.Locations;

/// <summary>When a location checkpoints: bounded replay, spread in time, rare for stores that send rarely.</summary>
public sealed class CheckpointCadenceTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly IngestOptions Options = new() { CheckpointEveryBatches = 100, CheckpointInterval = TimeSpan.FromSeconds(60) };

    [Fact]
    public void A_busy_store_checkpoints_within_the_configured_batches_and_never_replays_more()
    {
        var cadence = new CheckpointCadence(Options, Start, new Random(1));
        var thresholds = new List<int>();
        var uncheckpointed = 0;
        for (var batch = 0; batch < 20_000; batch++)
        {
            uncheckpointed++;
            if (cadence.DueAfterBatch(uncheckpointed))
            {
                thresholds.Add(uncheckpointed);
                cadence.Checkpointed(Start);
                uncheckpointed = 0;
            }
        }

        Assert.All(thresholds, t => Assert.InRange(t, 80, 100));
        // Drawn afresh each round: stores on one schedule drift apart.
        Assert.True(thresholds.Distinct().Count() > 10);
    }

    [Fact]
    public void A_store_that_sends_rarely_checkpoints_at_most_once_per_interval_and_an_idle_one_never()
    {
        var cadence = new CheckpointCadence(Options, Start, new Random(2));
        var now = Start;
        var checkpoints = new List<DateTimeOffset>();
        var uncheckpointed = 0;
        for (var second = 0; second < 3_600; second++)
        {
            now = Start.AddSeconds(second);
            if (second % 5 == 0)
            {
                uncheckpointed++; // a gateway posting every 5 s
            }

            if (cadence.DueAfterBatch(uncheckpointed) || cadence.DueByTime(uncheckpointed, now))
            {
                checkpoints.Add(now);
                cadence.Checkpointed(now);
                uncheckpointed = 0;
            }
        }

        // 720 batches in the hour, about one checkpoint a minute rather than one per batch; never two within 48 s.
        Assert.InRange(checkpoints.Count, 55, 80);
        Assert.All(checkpoints.Zip(checkpoints.Skip(1)), p => Assert.True(p.Second - p.First >= TimeSpan.FromSeconds(48)));

        Assert.False(cadence.DueByTime(0, now.AddDays(1)));
    }

    [Fact]
    public void Stores_that_start_together_spread_their_first_checkpoints_over_the_interval()
    {
        var random = new Random(3);
        var firsts = Enumerable.Range(0, 1_000).Select(_ =>
        {
            var cadence = new CheckpointCadence(Options, Start, random);
            return Enumerable.Range(0, 61).First(s => cadence.DueByTime(1, Start.AddSeconds(s)));
        }).ToList();

        // No one second holds more than a few percent of the fleet.
        Assert.True(firsts.GroupBy(s => s).Max(g => g.Count()) < 60);
    }

    [Fact]
    public void The_cleaner_runs_once_per_clean_interval()
    {
        var cadence = new CheckpointCadence(Options, Start, new Random(4));
        var runs = Enumerable.Range(0, 3_600).Count(s => cadence.CleanDue(Start.AddSeconds(s)));
        Assert.InRange(runs, 4, 5);
    }
}
