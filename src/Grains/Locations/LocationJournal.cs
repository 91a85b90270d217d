using HeatmapSaas.Errors;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Grains.Locations.History;
using HeatmapSaas.Grains.Locations.Log;
using HeatmapSaas.Locations;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace HeatmapSaas.Grains.Locations;

/// <summary>What a location's journal keeps across activations; the location's grain state holds it.</summary>
public interface IJournalCheckpoint
{
    /// <summary>The ledger in its own compact binary format, as of <see cref="AppliedPosition"/>.</summary>
    byte[]? Ledger { get; set; }

    /// <summary>The journal's progression: the highest log position the ledger reflects.</summary>
    long AppliedPosition { get; set; }

    /// <summary>Buckets before this index may have counts in the history store.</summary>
    long HistoryBefore { get; set; }

    /// <summary>The newest history generation this checkpoint includes; reads ignore any written after it.</summary>
    long HistoryGeneration { get; set; }

    /// <summary>Buckets before this index may have base grids in the history store (grids leave ahead of counts).</summary>
    long GridHistoryBefore { get; set; }
}

/// <summary>Where the checkpoint is written: with whatever else its owner keeps beside it, in one write.</summary>
public interface IJournalStorage
{
    IJournalCheckpoint Checkpoint { get; }

    /// <summary>Throws <see cref="InconsistentStateException"/> when another writer got there first.</summary>
    Task WriteAsync();
}

/// <summary>A batch the journal applied (in log order); a null effect means it was quarantined.</summary>
public readonly record struct AppliedBatch(LoggedBatch Entry, BatchEffect? Effect);

/// <summary>An append's outcome: everything applied on the way (a catch-up first, then the batch), or the first
/// receipt of a batch id already logged.</summary>
public sealed record JournalAppend(IReadOnlyList<AppliedBatch> Applied, IngestReceipt? Duplicate);

public enum CheckpointOutcome
{
    Written,
    NotDue,
    /// <summary>The write failed: the log keeps the batches, the next checkpoint tries again.</summary>
    Failed,
    /// <summary>Another writer won: this copy of the state is stale and its owner should deactivate.</summary>
    Stale,
}

/// <summary>
/// One location's journal: the footfall ledger and how it survives. A batch counts if and only if it is in the
/// ingest log; the ledger is the log applied in order up to the applied position (the progression), checkpointed
/// now and then, and old buckets move to the history store in numbered generations. Plain code behind small
/// storage interfaces, so crash, replay and unknown outcomes are unit-tested with in-memory and failing stores.
/// </summary>
public sealed class LocationJournal(
    string locationId,
    IIngestLog log,
    IHistoryStore history,
    IJournalStorage storage,
    IngestOptions options,
    MemoryOptions memory,
    TimeProvider clock,
    ILogger logger,
    Action<LoggedBatch> onApplied)
{
    private readonly CheckpointCadence _cadence = new(options, clock.GetUtcNow());
    private FootfallLedger _ledger = new(LocationRules.Default);
    // Batches applied in memory since the last checkpoint, and when the first of them was applied.
    private int _uncheckpointed;
    private DateTimeOffset _oldestUncheckpointed;
    // An append failed without telling whether it committed: the log may hold a batch not yet applied.
    private bool _logAhead;

    private IJournalCheckpoint Saved => storage.Checkpoint;

    public FootfallLedger Ledger => _ledger;

    public long AppliedPosition { get; private set; }

    /// <summary>Loads the checkpoint and replays what the log holds above it, each batch at its original time.</summary>
    public async Task RecoverAsync(LocationRules rules, CancellationToken ct = default)
    {
        if (Saved.Ledger is { } bytes)
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            _ledger = FootfallLedger.ReadFrom(reader, rules, Retention);
        }
        else
        {
            _ledger = new FootfallLedger(rules, Retention);
        }

        AppliedPosition = Saved.AppliedPosition;
        foreach (var entry in await log.ReadAboveAsync(locationId, AppliedPosition, ct))
        {
            Apply(entry);
            CheckpointMetrics.ReplayedBatches.Add(1);
        }
    }

    /// <summary>New floor or track timeout: counted from now on; what was counted stays.</summary>
    public void Configure(LocationRules rules)
    {
        _ledger.Rules = rules;
        _ledger.Retention = Retention;
    }

    /// <summary>
    /// Logs a batch (the commit point) and applies it; a batch id already logged is answered with its first receipt.
    /// A failed append may have committed anyway: it answers 503, and the next append or catch-up reads the log first.
    /// </summary>
    public async Task<JournalAppend> AppendAsync(LoggedBatch batch)
    {
        var applied = new List<AppliedBatch>(await CatchUpAsync());
        LogAppend append;
        try
        {
            append = await log.AppendAsync(locationId, batch);
        }
        catch (Exception e)
        {
            _logAhead = true;
            throw LogUnavailable(e);
        }

        if (append.Duplicate)
        {
            return new JournalAppend(applied, append.Entry.Receipt);
        }

        applied.Add(new AppliedBatch(append.Entry, Apply(append.Entry)));
        return new JournalAppend(applied, null);
    }

    /// <summary>After an append of unknown outcome: applies what the log holds above the applied position.</summary>
    public async Task<IReadOnlyList<AppliedBatch>> CatchUpAsync()
    {
        if (!_logAhead)
        {
            return [];
        }

        IReadOnlyList<LoggedBatch> missed;
        try
        {
            missed = await log.ReadAboveAsync(locationId, AppliedPosition);
        }
        catch (Exception e)
        {
            throw LogUnavailable(e);
        }

        var applied = missed.Select(entry => new AppliedBatch(entry, Apply(entry))).ToList();
        CheckpointMetrics.ReplayedBatches.Add(applied.Count);
        _logAhead = false;
        return applied;
    }

    /// <summary>
    /// Applies a logged batch; null when applying it threw. Validation before the append should make that impossible,
    /// so it means a bug (or a batch logged by an older build): the batch is quarantined — it stays in the log, is
    /// logged as an error and counted in <c>heatmap_ingest_quarantined_batches_total</c> — and skipped, so one batch
    /// can never stop a location, now or at any later activation. A failure part-way leaves what was applied before
    /// it; the replay does the same, so the state after a restart is the state before it.
    /// </summary>
    private BatchEffect? Apply(LoggedBatch entry)
    {
        BatchEffect? effect;
        try
        {
            effect = BatchValidator.ApplyAccepted(_ledger, entry.Accepted, entry.ReceivedAt);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CheckpointMetrics.QuarantinedBatches.Add(1);
            logger.LogError(e, "Batch {BatchId} (log position {Position}) of {Location} could not be applied; quarantined and skipped",
                entry.BatchId, entry.Position, locationId);
            effect = null;
        }

        if (effect is { TracksForgottenEarly: > 0 })
        {
            TrackMetrics.ForgottenEarly.Add(effect.TracksForgottenEarly);
        }

        AppliedPosition = entry.Position;
        if (_uncheckpointed++ == 0)
        {
            _oldestUncheckpointed = clock.GetUtcNow();
        }

        CheckpointMetrics.LogDepth.Add(1);
        if (effect is not null)
        {
            onApplied(entry);
        }

        return effect;
    }

    public Task<CheckpointOutcome> CheckpointIfDueAfterBatchAsync() =>
        _cadence.DueAfterBatch(_uncheckpointed) ? TryCheckpointAsync() : Task.FromResult(CheckpointOutcome.NotDue);

    public Task<CheckpointOutcome> CheckpointIfDueAsync(DateTimeOffset now) =>
        _cadence.DueByTime(_uncheckpointed, now) ? TryCheckpointAsync() : Task.FromResult(CheckpointOutcome.NotDue);

    /// <summary>Writes the ledger and its position (and whatever the owner keeps beside them); throws on failure.</summary>
    public async Task CheckpointAsync()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            _ledger.WriteTo(writer);
        }

        Saved.Ledger = buffer.ToArray();
        Saved.AppliedPosition = AppliedPosition;
        await storage.WriteAsync();
        var now = clock.GetUtcNow();
        _cadence.Checkpointed(now);
        if (_uncheckpointed > 0)
        {
            CheckpointMetrics.CheckpointAge.Record((now - _oldestUncheckpointed).TotalSeconds);
            CheckpointMetrics.LogDepth.Add(-_uncheckpointed);
            _uncheckpointed = 0;
        }

        if (_cadence.CleanDue(now))
        {
            await log.TruncateAsync(locationId, AppliedPosition, now - options.MaxEventAge);
        }
    }

    /// <summary>
    /// A checkpoint that may fail without harm: everything it would hold is in the log, so a failure only means more
    /// to replay. A write that lost its ETag race (another writer, or a commit whose answer was lost) is
    /// <see cref="CheckpointOutcome.Stale"/>.
    /// </summary>
    public async Task<CheckpointOutcome> TryCheckpointAsync()
    {
        try
        {
            await CheckpointAsync();
            return CheckpointOutcome.Written;
        }
        catch (Exception e)
        {
            CheckpointMetrics.CheckpointFailures.Add(1);
            logger.LogWarning(e, "Checkpoint of {Location} failed; the log keeps its batches", locationId);
            return e is InconsistentStateException ? CheckpointOutcome.Stale : CheckpointOutcome.Failed;
        }
    }

    /// <summary>What is applied but not checkpointed now lives only in the log, no longer in this process.</summary>
    public void Release()
    {
        CheckpointMetrics.LogDepth.Add(-_uncheckpointed);
        _uncheckpointed = 0;
    }

    /// <summary>
    /// Moves buckets older than the live window to the history store, and the base grids of buckets older than the
    /// grid window, keeping memory bounded. They leave the ledger only once stored, as a new history generation
    /// that the checkpoint right after makes visible.
    /// </summary>
    public async Task<CheckpointOutcome> CloseOldBucketsAsync(DateTimeOffset now)
    {
        var closing = _ledger.ClosableBefore(TimeBucket.Of(now - memory.LiveWindow), TimeBucket.Of(now - memory.GridWindow));
        if (closing.IsEmpty)
        {
            return CheckpointOutcome.NotDue;
        }

        var generation = Saved.HistoryGeneration + 1;
        var stored = closing.ToStore();
        try
        {
            await history.AddAsync(locationId, generation, stored);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "History store unreachable; {Location} keeps its old buckets for now", locationId);
            return CheckpointOutcome.Failed;
        }

        _ledger.Close(closing);
        Saved.HistoryGeneration = generation;
        if (closing.Whole.Count > 0)
        {
            Saved.HistoryBefore = Math.Max(Saved.HistoryBefore, closing.Whole[^1].Time.Index + 1);
        }

        Saved.GridHistoryBefore = Math.Max(Saved.GridHistoryBefore, stored[^1].Time.Index + 1);
        return await TryCheckpointAsync();
    }

    /// <summary>Reports over live buckets plus, when the window reaches back that far, the history store's.</summary>
    public async Task<FootfallReports> ReportsAsync(LocalCalendar calendar, long firstBucket, long endBucket)
    {
        if (StoredPart(firstBucket, endBucket, Saved.HistoryBefore) is not { } stored)
        {
            return new FootfallReports(_ledger.CountsBetween, calendar);
        }

        // Reads interleave: the live counts are copied, and the generation that goes with them read, before the
        // history is awaited. A closing that runs meanwhile moves buckets into a later generation, which this read
        // neither sees nor needs.
        var byIndex = _ledger.CountsByBucket(new TimeBucket(firstBucket), new TimeBucket(endBucket));
        foreach (var (index, part) in await history.ReadCountsAsync(locationId, stored.From, stored.To, Saved.HistoryGeneration))
        {
            byIndex[index] = byIndex.GetValueOrDefault(index) + part;
        }

        return new FootfallReports((f, t) => SumBetween(byIndex, f, t), calendar);
    }

    /// <summary>The base grids of one type in a window of buckets, with the log position they reflect.</summary>
    public async Task<GridSnapshot> GridsAsync(HeatmapType type, BucketWindow window)
    {
        // Position and live grids are read in one synchronous stretch, so they describe the same moment; the history
        // read stops at the boundary seen then, so buckets closed while it runs are not read twice.
        var position = AppliedPosition;
        var generation = Saved.HistoryGeneration;
        var stored = StoredPart(window.FirstBucket, window.EndBucket, Math.Max(Saved.HistoryBefore, Saved.GridHistoryBefore));
        var buckets = _ledger.LiveBuckets()
            .Where(b => b.Time.Index >= window.FirstBucket && b.Time.Index < window.EndBucket)
            .Select(b => new BucketCells(b.Time.Index, CellsOf(b.Grid(type)), 0)).ToList();
        if (stored is { } part)
        {
            buckets.AddRange((await history.ReadAsync(locationId, part.From, part.To, generation))
                .Select(b => new BucketCells(b.Time.Index, CellsOf(b.Grids[type]), 0)));
        }

        return new GridSnapshot(position, buckets.Where(b => b.Cells.Length > 0).ToArray());
    }

    /// <summary>The part of [first, end) that may lie in the history store, given where stored buckets end.</summary>
    private static (TimeBucket From, TimeBucket To)? StoredPart(long first, long end, long storedBefore) =>
        storedBefore == long.MinValue || first >= storedBefore
            ? null
            : (new TimeBucket(Math.Max(first, long.MinValue / 2)), new TimeBucket(Math.Min(end, storedBefore)));

    /// <summary>The sum over [from, to) of counts indexed by bucket: walked by bucket or by entry, whichever is shorter.</summary>
    private static BucketCounts SumBetween(Dictionary<long, BucketCounts> byIndex, TimeBucket from, TimeBucket to)
    {
        var counts = BucketCounts.Zero;
        if (to - from <= byIndex.Count)
        {
            for (var b = from; b < to; b = b.Next)
            {
                counts += byIndex.GetValueOrDefault(b.Index);
            }

            return counts;
        }

        foreach (var (index, part) in byIndex)
        {
            if (index >= from.Index && index < to.Index)
            {
                counts += part;
            }
        }

        return counts;
    }

    public static CellValue[] CellsOf(IntensityGrid grid) =>
        grid.ToCells().Select(c => new CellValue(c.X, c.Y, c.Value)).ToArray();

    private TrackRetention Retention => new(options.ReorderWindow, options.MaxTracksPerLocation);

    private ApiException LogUnavailable(Exception e)
    {
        logger.LogWarning(e, "Ingest log of {Location} unreachable", locationId);
        return new ApiException(ApiErrorCode.ServiceUnavailable,
            "The ingest log is briefly unreachable; retry the batch with the same batch_id", retryAfterSeconds: 2);
    }
}
