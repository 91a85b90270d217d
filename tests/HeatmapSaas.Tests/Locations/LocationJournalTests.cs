using HeatmapSaas.Errors;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Grains.Locations;
using HeatmapSaas.Grains.Locations.History;
using HeatmapSaas.Grains.Locations.Log;
using HeatmapSaas.Locations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Storage;

namespace HeatmapSaas.Tests.Locations;

/// <summary>
/// The journal's crash and replay, unit-tested: a "crash" is a new journal over what storage durably holds (the last
/// checkpoint written, the log, the history), as a new activation on another silo would see it.
/// </summary>
public sealed class LocationJournalTests
{
    private static readonly LocationRules Rules = new(1000, 1000, 30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));
    private readonly FlakyLog _log = new();
    private readonly CountingHistory _history = new();
    private readonly CheckpointStore _storage = new();

    [Fact]
    public async Task A_crash_after_a_checkpoint_replays_the_rest_and_counts_each_batch_once()
    {
        var journal = await StartAsync();
        for (var b = 0; b < 5; b++)
        {
            await journal.AppendAsync(Visit($"b{b}", minute: b));
        }

        Assert.Equal(CheckpointOutcome.Written, await journal.TryCheckpointAsync());
        for (var b = 5; b < 12; b++)
        {
            await journal.AppendAsync(Visit($"b{b}", minute: b));
        }

        var restarted = await StartAsync();
        Assert.Equal(journal.AppliedPosition, restarted.AppliedPosition);
        Assert.Equal(12, Visitors(restarted));
        Assert.Equal(Visitors(journal), Visitors(restarted));
    }

    [Fact]
    public async Task An_append_that_committed_but_failed_answers_503_and_its_retry_is_the_duplicate()
    {
        var journal = await StartAsync();
        await journal.AppendAsync(Visit("first", minute: 0));
        _log.FailNextAppendAfterCommit = true;

        var failure = await Assert.ThrowsAsync<ApiException>(() => journal.AppendAsync(Visit("lost-answer", minute: 1)));
        Assert.Equal(ApiErrorCode.ServiceUnavailable, failure.Code);
        Assert.Equal(1, Visitors(journal));

        // The gateway retries: the journal reads the log first, applies what committed, and answers a duplicate.
        var retry = await journal.AppendAsync(Visit("lost-answer", minute: 1));
        Assert.NotNull(retry.Duplicate);
        Assert.Equal("lost-answer", Assert.Single(retry.Applied).Entry.BatchId);
        Assert.Equal(2, Visitors(journal));
    }

    [Fact]
    public async Task An_append_that_failed_before_committing_counts_once_when_retried()
    {
        var journal = await StartAsync();
        _log.FailNextAppendBeforeCommit = true;
        await Assert.ThrowsAsync<ApiException>(() => journal.AppendAsync(Visit("retried", minute: 0)));

        var retry = await journal.AppendAsync(Visit("retried", minute: 0));
        Assert.Null(retry.Duplicate);
        Assert.Equal(1, Visitors(journal));
        Assert.Equal(1, Visitors(await StartAsync()));
    }

    [Fact]
    public async Task A_failed_checkpoint_loses_nothing_and_a_lost_race_is_stale()
    {
        var journal = await StartAsync();
        await journal.AppendAsync(Visit("a", minute: 0));
        _storage.NextWriteFails = new InvalidOperationException("storage down");
        Assert.Equal(CheckpointOutcome.Failed, await journal.TryCheckpointAsync());
        await journal.AppendAsync(Visit("b", minute: 1));
        _storage.NextWriteFails = new InconsistentStateException("another writer");
        Assert.Equal(CheckpointOutcome.Stale, await journal.TryCheckpointAsync());

        Assert.Equal(0, _storage.Durable.AppliedPosition);
        Assert.Equal(2, Visitors(await StartAsync()));
    }

    [Fact]
    public async Task A_batch_that_throws_when_applied_is_quarantined_live_and_on_replay()
    {
        var journal = await StartAsync();
        // As an older build might have logged it: a conversion value no count can hold.
        var poison = new SensorReading(0, ReadingKind.Conversion, null, Ts(0), 0, 0, 1e29, null);
        var poisoned = await journal.AppendAsync(Batch("poison", [poison]));
        Assert.Null(Assert.Single(poisoned.Applied).Effect);
        await journal.AppendAsync(Visit("after", minute: 1));

        var restarted = await StartAsync();
        Assert.Equal(journal.AppliedPosition, restarted.AppliedPosition);
        Assert.Equal(1, Visitors(restarted));
    }

    [Fact]
    public async Task A_history_generation_written_before_a_crash_is_invisible_and_rewritten_whole()
    {
        var journal = await StartAsync();
        var dayStart = Bucket(0);
        await journal.AppendAsync(Visit("old", minute: 0));
        Assert.Equal(CheckpointOutcome.Written, await journal.TryCheckpointAsync());

        // Days later the bucket closes: its generation is stored, but the checkpoint that would show it fails.
        _clock.Advance(TimeSpan.FromDays(3));
        _storage.NextWriteFails = new InvalidOperationException("crash before the checkpoint");
        Assert.Equal(CheckpointOutcome.Failed, await journal.CloseOldBucketsAsync(_clock.GetUtcNow()));
        Assert.Equal(1, _history.Generations);

        var restarted = await StartAsync();
        Assert.Equal(1, await VisitorsAsync(restarted, dayStart));
        Assert.Equal(CheckpointOutcome.Written, await restarted.CloseOldBucketsAsync(_clock.GetUtcNow()));
        Assert.Equal(1, await VisitorsAsync(restarted, dayStart));
        Assert.Equal(1, await VisitorsAsync(await StartAsync(), dayStart));
    }

    [Fact]
    public async Task A_grid_snapshot_names_the_position_it_reflects_and_reaches_into_the_history()
    {
        var journal = await StartAsync();
        await journal.AppendAsync(Visit("a", minute: 0));
        var window = new BucketWindow(Bucket(0) - 4, Bucket(0) + 4);
        var live = await journal.GridsAsync(HeatmapType.CustomerFlow, window);
        Assert.Equal(journal.AppliedPosition, live.Position);

        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(CheckpointOutcome.Written, await journal.CloseOldBucketsAsync(_clock.GetUtcNow()));
        var stored = await journal.GridsAsync(HeatmapType.CustomerFlow, window);
        Assert.Equal(live.Buckets.Single().Cells, stored.Buckets.Single().Cells);
    }

    private async Task<LocationJournal> StartAsync()
    {
        _storage.Restart();
        var journal = new LocationJournal("loc_journal", _log, _history, _storage, new IngestOptions(), new MemoryOptions(), _clock,
            NullLogger.Instance, _ => { });
        await journal.RecoverAsync(Rules);
        return journal;
    }

    private long Ts(int minute) => _clock.GetUtcNow().AddHours(-1).AddMinutes(minute).ToUnixTimeMilliseconds();

    private long Bucket(int minute) => TimeBucket.OfMs(Ts(minute)).Index;

    private LoggedBatch Visit(string id, int minute) => Batch(id,
    [
        new SensorReading(0, ReadingKind.Position, id, Ts(minute), 15, 15, 0, null),
        new SensorReading(1, ReadingKind.TrackEnd, id, Ts(minute) + 1_000, 0, 0, 0, null),
    ]);

    private LoggedBatch Batch(string id, SensorReading[] readings) =>
        new(0, id, "gw", readings, new IngestReceipt(id, readings.Length, 0, false, []), _clock.GetUtcNow());

    private long Visitors(LocationJournal journal) =>
        journal.Ledger.CountsBetween(new TimeBucket(long.MinValue / 2), new TimeBucket(long.MaxValue / 2)).Visitors;

    private static async Task<long> VisitorsAsync(LocationJournal journal, long bucket) =>
        (await journal.ReportsAsync(LocalCalendar.Utc, bucket - 96, bucket + 96)).Summary(new BucketWindow(bucket - 96, bucket + 96)).TotalVisitors;

    /// <summary>Durable storage of one grain's state: a crash keeps only what the last successful write held.</summary>
    private sealed class CheckpointStore : IJournalStorage
    {
        public Exception? NextWriteFails { get; set; }

        public SavedCheckpoint Durable { get; private set; } = new();

        public IJournalCheckpoint Checkpoint { get; private set; } = new SavedCheckpoint();

        public void Restart() => Checkpoint = Durable.Copy();

        public Task WriteAsync()
        {
            if (NextWriteFails is { } failure)
            {
                NextWriteFails = null;
                return Task.FromException(failure);
            }

            Durable = ((SavedCheckpoint)Checkpoint).Copy();
            return Task.CompletedTask;
        }
    }

    private sealed class SavedCheckpoint : IJournalCheckpoint
    {
        public byte[]? Ledger { get; set; }
        public long AppliedPosition { get; set; }
        public long HistoryBefore { get; set; } = long.MinValue;
        public long HistoryGeneration { get; set; }
        public long GridHistoryBefore { get; set; } = long.MinValue;

        public SavedCheckpoint Copy() => (SavedCheckpoint)MemberwiseClone();
    }

    /// <summary>The embedded log, failing on demand before or after the append commits.</summary>
    private sealed class FlakyLog : IIngestLog
    {
        private readonly InMemoryIngestLog _log = new();

        public bool FailNextAppendBeforeCommit { get; set; }

        public bool FailNextAppendAfterCommit { get; set; }

        public async Task<LogAppend> AppendAsync(string locationId, LoggedBatch batch, CancellationToken ct = default)
        {
            if (FailNextAppendBeforeCommit)
            {
                FailNextAppendBeforeCommit = false;
                throw new TimeoutException("connection lost before the insert");
            }

            var append = await _log.AppendAsync(locationId, batch, ct);
            if (FailNextAppendAfterCommit)
            {
                FailNextAppendAfterCommit = false;
                throw new TimeoutException("connection lost after the commit");
            }

            return append;
        }

        public Task<IReadOnlyList<LoggedBatch>> ReadAboveAsync(string locationId, long position, CancellationToken ct = default) =>
            _log.ReadAboveAsync(locationId, position, ct);

        public Task TruncateAsync(string locationId, long checkpointPosition, DateTimeOffset forgetIdsBefore, CancellationToken ct = default) =>
            _log.TruncateAsync(locationId, checkpointPosition, forgetIdsBefore, ct);
    }

    /// <summary>The embedded history store, counting the generations written.</summary>
    private sealed class CountingHistory : IHistoryStore
    {
        private readonly InMemoryHistoryStore _store = new();

        public int Generations { get; private set; }

        public Task AddAsync(string locationId, long generation, IReadOnlyList<Bucket> closed, CancellationToken ct = default)
        {
            Generations++;
            return _store.AddAsync(locationId, generation, closed, ct);
        }

        public Task<IReadOnlyList<HistoricBucket>> ReadAsync(string locationId, TimeBucket from, TimeBucket to, long throughGeneration,
            CancellationToken ct = default) => _store.ReadAsync(locationId, from, to, throughGeneration, ct);

        public Task<IReadOnlyDictionary<long, BucketCounts>> ReadCountsAsync(string locationId, TimeBucket from, TimeBucket to,
            long throughGeneration, CancellationToken ct = default) => _store.ReadCountsAsync(locationId, from, to, throughGeneration, ct);
    }
}
