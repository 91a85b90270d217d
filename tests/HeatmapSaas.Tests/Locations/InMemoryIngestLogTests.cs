using HeatmapSaas.Grains.Locations.Log;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Tests.Locations;

/// <summary>The embedded mode's log: what a checkpoint lets it forget, and what it must still answer.</summary>
public sealed class InMemoryIngestLogTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly InMemoryIngestLog _log = new();

    [Fact]
    public async Task A_checkpoint_forgets_the_ids_below_it_that_are_past_the_horizon_and_keeps_the_others()
    {
        await AppendAsync("old", Now.AddDays(-8));
        await AppendAsync("recent", Now.AddHours(-1));
        await AppendAsync("above", Now.AddDays(-9));

        await _log.TruncateAsync("loc", checkpointPosition: 2, forgetIdsBefore: Now.AddDays(-7));

        Assert.False((await AppendAsync("old", Now)).Duplicate);
        Assert.True((await AppendAsync("recent", Now)).Duplicate);
        // Above the checkpoint: still to replay, so still remembered, however old.
        Assert.True((await AppendAsync("above", Now)).Duplicate);
        Assert.Equal(["above", "old"], (await _log.ReadAboveAsync("loc", 2)).Select(e => e.BatchId));
    }

    [Fact]
    public async Task An_id_behind_one_not_yet_due_is_remembered_until_that_one_is_due_too()
    {
        // The clock stepped back between the two: the later append carries the earlier time.
        await AppendAsync("first", Now.AddDays(-6));
        await AppendAsync("second", Now.AddDays(-8));

        await _log.TruncateAsync("loc", checkpointPosition: 2, forgetIdsBefore: Now.AddDays(-7));
        Assert.True((await AppendAsync("second", Now)).Duplicate);

        await _log.TruncateAsync("loc", checkpointPosition: 2, forgetIdsBefore: Now.AddDays(-5));
        Assert.False((await AppendAsync("first", Now)).Duplicate);
        Assert.False((await AppendAsync("second", Now)).Duplicate);
    }

    private Task<LogAppend> AppendAsync(string batchId, DateTimeOffset receivedAt) =>
        _log.AppendAsync("loc", new LoggedBatch(0, batchId, null, [], new IngestReceipt(batchId, 0, 0, false, []), receivedAt));
}
