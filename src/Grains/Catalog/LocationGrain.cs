using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Domain.Footfall;
using HeatmapSaas.Grains.History;
using HeatmapSaas.Grains.Live;
using HeatmapSaas.Live;
using Microsoft.Extensions.Logging;
using HeatmapSaas.Grains.Ingest;
using HeatmapSaas.Grains.Reports;
using HeatmapSaas.Ingest;
using HeatmapSaas.Tenants;
using HeatmapSaas.Grains.Webhooks;
using HeatmapSaas.Webhooks;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace HeatmapSaas.Grains.Catalog;

[GenerateSerializer]
public sealed class LocationGrainState
{
    [Id(0)] public Location? Location { get; set; }
    /// <summary>The ledger's checkpoint (its own compact binary format) and the log position it reflects.</summary>
    [Id(1)] public byte[]? Ledger { get; set; }
    [Id(2)] public long AppliedPosition { get; set; }
    [Id(3)] public Dictionary<string, GatewayStatus> Gateways { get; set; } = [];
    /// <summary>Read once, into <see cref="Following"/>, from state written when the location kept whole heatmap records.</summary>
    [Id(4)] public List<Heatmap> Heatmaps { get; set; } = [];
    /// <summary>Accepted events and batches of the UTC month <see cref="UsageMonth"/>, for the tenant's usage.</summary>
    [Id(5)] public string UsageMonth { get; set; } = "";
    [Id(6)] public long MonthEvents { get; set; }
    [Id(7)] public long MonthBatches { get; set; }
    /// <summary>Buckets before this index may have parts in the history store; queries after it need not look.</summary>
    [Id(8)] public long HistoryBefore { get; set; } = long.MinValue;
    /// <summary>The newest history generation this checkpoint includes; reads ignore any written after it.</summary>
    [Id(9)] public long HistoryGeneration { get; set; }
    /// <summary>Buckets before this index may have base grids in the history store (grids leave ahead of counts).</summary>
    [Id(10)] public long GridHistoryBefore { get; set; } = long.MinValue;
    /// <summary>Occupancy went above capacity and has not yet come back below the alarm's margin.</summary>
    [Id(11)] public bool OverCapacity { get; set; }
    /// <summary>The heatmaps the catalog linked to this location, by id, with the type whose cells they follow.</summary>
    [Id(12)] public Dictionary<string, string> Following { get; set; } = [];
}

/// <summary>
/// One location: owns its ingest (validate, dedupe through the log, apply), its live footfall ledger and the
/// heatmaps that follow it. A thin shell over <see cref="FootfallLedger"/> and <see cref="IIngestLog"/>.
/// </summary>
public sealed class LocationGrain(
    [PersistentState("location", StorageNames.Default)] IPersistentState<LocationGrainState> state,
    IIngestLog log,
    IHistoryStore history,
    IOptions<IngestOptions> options,
    IOptions<LiveOptions> liveOptions,
    ILogger<LocationGrain> logger,
    TimeProvider clock) : Grain, ILocationGrain
{
    private LivePush? _live;

    private LivePush Live => _live ??= new LivePush(this, liveOptions.Value, logger);

    private readonly IngestOptions _options = options.Value;
    private FootfallLedger _ledger = new(LocationRules.Default);
    private EventRateLimit _rateLimit = null!;
    private long _appliedPosition;
    // Batches applied in memory since the last checkpoint, and when the first of them was applied.
    private int _uncheckpointed;
    private DateTimeOffset _oldestUncheckpointed;
    // An append failed without telling whether it committed: the log may hold a batch not yet applied.
    private bool _logAhead;
    private IGrainTimer? _ticker;
    private CheckpointCadence _cadence = null!;
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SlowTickInterval = TimeSpan.FromMinutes(1);
    // The tick's slower duty: when to look for old buckets and forgotten gateways again.
    private DateTimeOffset _closingRecheck;

    private string LocationId => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rateLimit = new EventRateLimit(_options.MaxEventsPerSecond);
        _cadence = new CheckpointCadence(_options, clock.GetUtcNow());
        if (state.State.Location is not { } location)
        {
            // Nothing here (yet): no timer until ConfigureAsync says the location exists; a caller who only asked
            // gets a 404 and this activation goes (see Owned).
            return;
        }

        StartTicking();
        foreach (var heatmap in state.State.Heatmaps)
        {
            state.State.Following[heatmap.Id] = heatmap.Type;
        }

        state.State.Heatmaps.Clear();
        var rules = RulesOf(location);
        if (state.State.Ledger is { } bytes)
        {
            using var reader = new BinaryReader(new MemoryStream(bytes));
            _ledger = FootfallLedger.ReadFrom(reader, rules, Retention);
        }
        else
        {
            _ledger = new FootfallLedger(rules, Retention);
        }

        _appliedPosition = state.State.AppliedPosition;

        // Whatever was acknowledged after the checkpoint is applied again, in log order, at its original time.
        foreach (var entry in await log.ReadAboveAsync(LocationId, state.State.AppliedPosition, cancellationToken))
        {
            Apply(entry);
            CheckpointMetrics.ReplayedBatches.Add(1);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _ticker?.Dispose();
        if (state.State.Location is not null && !ShutdownWrites.Pointless(ServiceProvider, reason))
        {
            await TryCheckpointAsync();
        }

        // Whatever is still uncheckpointed now lives only in the log, no longer in this silo's memory.
        CheckpointMetrics.LogDepth.Add(-_uncheckpointed);
        _uncheckpointed = 0;
    }

    public async Task ConfigureAsync(Location location)
    {
        state.State.Location = location;
        _ledger.Rules = RulesOf(location);
        _ledger.Retention = Retention;
        await CheckpointAsync();
        StartTicking();
    }

    private void StartTicking() => _ticker ??= this.RegisterGrainTimer(TickAsync, TickInterval, TickInterval);

    public async Task RetireAsync(long tenantId)
    {
        _ = Owned(tenantId);
        _ticker?.Dispose();
        _ticker = null;
        await state.ClearStateAsync();
        _ledger = new FootfallLedger(LocationRules.Default);
        DeactivateOnIdle();
    }

    public Task<DateTimeOffset?> GetLastUpdateAsync(long tenantId)
    {
        _ = Owned(tenantId);
        return Task.FromResult(_ledger.NewestTs);
    }

    public async Task<IngestReceipt> IngestAsync(long tenantId, SensorBatch batch)
    {
        var location = Owned(tenantId);
        var now = clock.GetUtcNow();
        if (!_rateLimit.TryTake(batch.EventCount, now))
        {
            throw new ApiException(ApiErrorCode.RateLimited,
                $"This location accepts at most {_options.MaxEventsPerSecond} events per second; the batch was not counted",
                retryAfterSeconds: 1);
        }

        var (accepted, receipt) = BatchValidator.Validate(batch, location.FloorPlan, now, _options);
        await CatchUpWithLogAsync();
        LogAppend append;
        try
        {
            append = await log.AppendAsync(LocationId, new LoggedBatch(0, batch.BatchId, batch.GatewayId, accepted, receipt, now));
        }
        catch (Exception e)
        {
            // The insert may have committed before the connection broke; the next append reads the log first.
            _logAhead = true;
            throw LogUnavailable(e);
        }

        if (append.Duplicate)
        {
            return append.Entry.Receipt with { Duplicate = true };
        }

        var applied = await ApplyAndForwardAsync(append.Entry);
        if (_cadence.DueAfterBatch(_uncheckpointed))
        {
            await TryCheckpointAsync();
        }

        return applied
            ? receipt
            : throw new ApiException(ApiErrorCode.InternalError,
                "The batch was stored but could not be applied; it is quarantined and counts nothing");
    }

    /// <summary>Applies what the log holds above the applied position (after an append of unknown outcome).</summary>
    private async Task CatchUpWithLogAsync()
    {
        if (!_logAhead)
        {
            return;
        }

        IReadOnlyList<LoggedBatch> missed;
        try
        {
            missed = await log.ReadAboveAsync(LocationId, _appliedPosition);
        }
        catch (Exception e)
        {
            throw LogUnavailable(e);
        }

        foreach (var entry in missed)
        {
            await ApplyAndForwardAsync(entry);
            CheckpointMetrics.ReplayedBatches.Add(1);
        }

        _logAhead = false;
    }

    /// <summary>Applies a logged batch and forwards its effect; false when it was quarantined.</summary>
    private async Task<bool> ApplyAndForwardAsync(LoggedBatch entry)
    {
        if (Apply(entry) is not { } effect)
        {
            return false;
        }

        Live.MarkChanged(CountersPush);
        await WatchCapacityAsync();
        await ForwardToHeatmapsAsync(entry.Position, effect);
        return true;
    }

    /// <summary>location.occupancy_exceeded, once per upward crossing of the capacity (see <see cref="OccupancyAlarm"/>).</summary>
    private async Task WatchCapacityAsync()
    {
        if (state.State.Location is not { } location)
        {
            return;
        }

        var occupancy = _ledger.Occupancy;
        var (over, fire) = OccupancyAlarm.Next(state.State.OverCapacity, occupancy, location.Capacity);
        state.State.OverCapacity = over;
        if (!fire)
        {
            return;
        }

        var now = clock.GetUtcNow();
        await GrainFactory.GetGrain<IWebhookRegistryGrain>(location.TenantId).PublishAsync(WebhookPayload.Build(
            $"evt_occupancy_{location.Id}_{now.ToUnixTimeMilliseconds()}", WebhookEventTypes.LocationOccupancyExceeded, now,
            new
            {
                location_id = location.Id,
                name = location.Name,
                occupancy,
                capacity = location.Capacity,
                utilisation = OccupancyAlarm.Utilisation(occupancy, location.Capacity),
            }));
    }

    private ApiException LogUnavailable(Exception e)
    {
        logger.LogWarning(e, "Ingest log of {Location} unreachable", LocationId);
        return new ApiException(ApiErrorCode.ServiceUnavailable,
            "The ingest log is briefly unreachable; retry the batch with the same batch_id", retryAfterSeconds: 2);
    }

    public async Task<TrafficRow[]> GetTrafficAsync(long tenantId, TrafficQuery query)
    {
        var zone = Owned(tenantId).TimeZone;
        var calendar = CalendarOf(zone);
        var day = calendar.Day(query.Date);
        return (await ReportsAsync(zone, day.First.Index, day.EndExclusive.Index)).Traffic(query);
    }

    public async Task<LocationAnalytics> GetAnalyticsAsync(long tenantId, BucketWindow window) =>
        (await ReportsAsync(Owned(tenantId).TimeZone, window.FirstBucket, window.EndBucket)).Analytics(window);

    public async Task<VisitorSummary> GetVisitorSummaryAsync(long tenantId, BucketWindow window, string timeZone)
    {
        _ = Owned(tenantId);
        return (await ReportsAsync(timeZone, window.FirstBucket, window.EndBucket)).Summary(window);
    }

    public Task<LocationCounters> SubscribeAsync(long tenantId, ILiveObserver observer)
    {
        _ = Owned(tenantId);
        Live.Subscribe(observer);
        return Task.FromResult(Counters());
    }

    public Task UnsubscribeAsync(ILiveObserver observer)
    {
        _live?.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private Action<ILiveObserver> CountersPush()
    {
        var counters = Counters();
        return observer => observer.LocationCountersChanged(counters);
    }

    /// <summary>Today's counters in the location's zone, and which gateways reported recently.</summary>
    private LocationCounters Counters()
    {
        var now = clock.GetUtcNow();
        var calendar = CalendarOf(state.State.Location!.TimeZone);
        var today = calendar.Day(calendar.Today(now));
        var counts = _ledger.CountsBetween(today.First, today.EndExclusive);
        var online = state.State.Gateways.Values.Count(g => now - g.LastSeen <= liveOptions.Value.GatewayOnlineWindow);
        var capacity = state.State.Location.Capacity;
        return new LocationCounters(LocationId, _ledger.Occupancy, counts.Visitors, counts.Impressions, counts.Discoveries,
            counts.Engagements, counts.Interactions, counts.Conversions, online, _ledger.NewestTs,
            capacity, OccupancyAlarm.Utilisation(_ledger.Occupancy, capacity));
    }

    public Task<LocationUsage> GetUsageAsync(long tenantId)
    {
        _ = Owned(tenantId);
        return Task.FromResult(CurrentUsage());
    }

    public Task<GatewayStatus[]> GetGatewaysAsync(long tenantId)
    {
        _ = Owned(tenantId);
        // Those past the retention but not yet forgotten by a tick are already gone for callers.
        return Task.FromResult(GatewayBook.SeenSince(state.State.Gateways, clock.GetUtcNow() - _options.GatewayRetention));
    }

    public async Task FollowAsync(string heatmapId, string heatmapType)
    {
        state.State.Following[heatmapId] = heatmapType;
        await state.WriteStateAsync();
    }

    public async Task UnfollowAsync(string heatmapId)
    {
        if (state.State.Following.Remove(heatmapId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task FeedHeatmapAsync(long tenantId, string heatmapId, BucketWindow window)
    {
        _ = Owned(tenantId);
        if (state.State.Following.TryGetValue(heatmapId, out var type))
        {
            await GrainFactory.GetGrain<IHeatmapGrain>(heatmapId).FillAsync(await GridsAsync(type, window), window);
        }
    }

    /// <summary>The base grids of one type in a window of buckets, with the log position they reflect.</summary>
    private async Task<GridSnapshot> GridsAsync(string heatmapType, BucketWindow window)
    {
        HeatmapTypes.TryParse(heatmapType, out var type);
        var position = _appliedPosition;
        var historyBefore = Math.Max(state.State.HistoryBefore, state.State.GridHistoryBefore);
        var live = _ledger.LiveBuckets()
            .Where(b => b.Time.Index >= window.FirstBucket && b.Time.Index < window.EndBucket)
            .Select(b => new BucketCells(b.Time.Index, CellsOf(b.Grid(type)), 0)).ToList();
        if (historyBefore != long.MinValue && window.FirstBucket < historyBefore)
        {
            var stored = await history.ReadAsync(LocationId, new TimeBucket(Math.Max(window.FirstBucket, long.MinValue / 2)),
                new TimeBucket(Math.Min(window.EndBucket, historyBefore)), state.State.HistoryGeneration);
            live.AddRange(stored.Select(b => new BucketCells(b.Time.Index, CellsOf(b.Grids[type]), 0)));
        }

        return new GridSnapshot(position, live.Where(b => b.Cells.Length > 0).ToArray());
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
                entry.BatchId, entry.Position, LocationId);
            effect = null;
        }

        if (effect is { TracksForgottenEarly: > 0 })
        {
            TrackMetrics.ForgottenEarly.Add(effect.TracksForgottenEarly);
        }

        _appliedPosition = entry.Position;
        if (_uncheckpointed++ == 0)
        {
            _oldestUncheckpointed = clock.GetUtcNow();
        }

        CheckpointMetrics.LogDepth.Add(1);
        if (effect is null)
        {
            return null;
        }

        var month = UsageMonth.Of(entry.ReceivedAt);
        if (month != state.State.UsageMonth)
        {
            (state.State.UsageMonth, state.State.MonthEvents, state.State.MonthBatches) = (month, 0, 0);
        }

        state.State.MonthEvents += entry.Receipt.Accepted;
        state.State.MonthBatches++;
        if (entry.GatewayId is { } gateway)
        {
            GatewayBook.Record(state.State.Gateways, gateway, entry.ReceivedAt, entry.Receipt.Accepted + entry.Receipt.Rejected, _options.MaxGateways);
        }

        return effect;
    }

    private Task ForwardToHeatmapsAsync(long position, BatchEffect effect)
    {
        if (effect.Grids.Count == 0 || state.State.Following.Count == 0)
        {
            return Task.CompletedTask;
        }

        return Task.WhenAll(state.State.Following.Select(heatmap =>
        {
            HeatmapTypes.TryParse(heatmap.Value, out var type);
            var changes = effect.Grids.Where(g => g.Type == type)
                .Select(g => new BucketCells(g.Bucket.Index, CellsOf(g.Added), g.Samples))
                .ToArray();
            return GrainFactory.GetGrain<IHeatmapGrain>(heatmap.Key).ApplyAsync(position, changes, effect.NewestTs);
        }));
    }

    /// <summary>
    /// Once a second: ends tracks of a store gone quiet (wall-clock silence), reports changed totals on the tenant's
    /// roll-up stream (coalesced: one message a second at most, not one per batch) and checkpoints when due. Every
    /// resident location ticks, so a tick with nothing to do does next to nothing: the totals are recomputed only
    /// after a change (or once a minute, when a new day or month may have begun), old buckets looked for once a
    /// minute (they are 15 minutes long, and leave memory days later).
    /// </summary>
    private async Task TickAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_ledger.IdleExpiryDue <= now && _ledger.ExpireIdle(now).TracksEnded > 0)
        {
            Live.MarkChanged(CountersPush);
                await WatchCapacityAsync(); // emptying re-arms the alarm
        }

        if (state.State.Location is null)
        {
            return;
        }

        if (_logAhead)
        {
            try
            {
                await CatchUpWithLogAsync();
            }
            catch (ApiException)
            {
                // Still unreachable: the next tick or batch tries again.
            }
        }

        if (_cadence.DueByTime(_uncheckpointed, now))
        {
            await TryCheckpointAsync();
        }

        if (now >= _closingRecheck)
        {
            _closingRecheck = now + SlowTickInterval;
            GatewayBook.ForgetUnseenSince(state.State.Gateways, now - _options.GatewayRetention);
            await CloseOldBucketsAsync(now);
        }
    }

    /// <summary>
    /// Moves buckets older than the live window to the history store, and the base grids of buckets older than the
    /// grid window, keeping grain memory bounded. They leave the ledger only once stored, as a new history
    /// generation that the checkpoint right after makes visible.
    /// </summary>
    private async Task CloseOldBucketsAsync(DateTimeOffset now)
    {
        var closing = _ledger.ClosableBefore(TimeBucket.Of(now - _options.LiveWindow), TimeBucket.Of(now - _options.GridWindow));
        if (closing.IsEmpty)
        {
            return;
        }

        var generation = state.State.HistoryGeneration + 1;
        var stored = closing.ToStore();
        try
        {
            await history.AddAsync(LocationId, generation, stored);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "History store unreachable; {Location} keeps its old buckets for now", LocationId);
            return;
        }

        _ledger.Close(closing);
        state.State.HistoryGeneration = generation;
        if (closing.Whole.Count > 0)
        {
            state.State.HistoryBefore = Math.Max(state.State.HistoryBefore, closing.Whole[^1].Time.Index + 1);
        }

        state.State.GridHistoryBefore = Math.Max(state.State.GridHistoryBefore, stored[^1].Time.Index + 1);
        await TryCheckpointAsync();
    }

    private LocationUsage CurrentUsage()
    {
        var now = clock.GetUtcNow();
        var month = UsageMonth.Of(now);
        var calendar = LocalCalendar.TryFind(state.State.Location!.TimeZone, out var zone) ? zone : LocalCalendar.Utc;
        var today = calendar.Day(calendar.Today(now));
        var thisMonth = state.State.UsageMonth == month;
        return new LocationUsage(LocationId, month, thisMonth ? state.State.MonthEvents : 0, thisMonth ? state.State.MonthBatches : 0,
            _ledger.Occupancy, _ledger.CountsBetween(today.First, today.EndExclusive).Visitors);
    }

    private async Task CheckpointAsync()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            _ledger.WriteTo(writer);
        }

        state.State.Ledger = buffer.ToArray();
        state.State.AppliedPosition = _appliedPosition;
        await state.WriteStateAsync();
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
            await log.TruncateAsync(LocationId, _appliedPosition, now - _options.MaxEventAge);
        }
    }

    /// <summary>
    /// A checkpoint that may fail without harm: everything it would hold is in the log, so a failure only means more
    /// to replay. A write that lost its ETag race (another writer, or a commit whose answer was lost) leaves this
    /// activation's view of the state stale: it deactivates, and the next activation reads the state afresh.
    /// </summary>
    private async Task TryCheckpointAsync()
    {
        try
        {
            await CheckpointAsync();
        }
        catch (Exception e)
        {
            CheckpointMetrics.CheckpointFailures.Add(1);
            logger.LogWarning(e, "Checkpoint of {Location} failed; the log keeps its batches", LocationId);
            if (e is InconsistentStateException)
            {
                DeactivateOnIdle();
            }
        }
    }

    /// <summary>Reports over live buckets plus, when the window reaches back that far, the history store's.</summary>
    private async Task<FootfallReports> ReportsAsync(string timeZone, long firstBucket, long endBucket)
    {
        if (firstBucket >= state.State.HistoryBefore)
        {
            return new FootfallReports(_ledger.CountsBetween, CalendarOf(timeZone));
        }

        // Reads interleave: the live counts are copied, and the generation that goes with them read, before the
        // history is awaited. A closing that runs meanwhile moves buckets into a later generation, which this read
        // neither sees nor needs. Indexed by bucket: reports ask bucket by bucket as well as by hour and day.
        var byIndex = _ledger.CountsByBucket(new TimeBucket(firstBucket), new TimeBucket(endBucket));
        var stored = await history.ReadCountsAsync(LocationId, new TimeBucket(firstBucket), new TimeBucket(endBucket), state.State.HistoryGeneration);
        foreach (var (index, part) in stored)
        {
            byIndex[index] = byIndex.GetValueOrDefault(index) + part;
        }

        return new FootfallReports((from, to) =>
        {
            var counts = BucketCounts.Zero;
            if (to - from <= byIndex.Count)
            {
                for (var b = from; b < to; b = b.Next)
                {
                    if (byIndex.TryGetValue(b.Index, out var part))
                    {
                        counts += part;
                    }
                }
            }
            else
            {
                foreach (var (index, part) in byIndex)
                {
                    if (index >= from.Index && index < to.Index)
                    {
                        counts += part;
                    }
                }
            }

            return counts;
        }, CalendarOf(timeZone));
    }

    private static LocalCalendar CalendarOf(string timeZone) =>
        LocalCalendar.TryFind(timeZone, out var calendar) ? calendar : LocalCalendar.Utc;

    private static CellValue[] CellsOf(IntensityGrid grid) =>
        grid.ToCells().Select(c => new CellValue(c.X, c.Y, c.Value)).ToArray();

    private TrackRetention Retention => new(_options.ReorderWindow, _options.MaxTracksPerLocation);

    private static LocationRules RulesOf(Location location) =>
        new(location.FloorPlan.Width, location.FloorPlan.Height, location.TrackTimeoutSeconds);

    /// <summary>The location, if it belongs to the caller's tenant; otherwise it does not exist for them.</summary>
    private Location Owned(long tenantId)
    {
        if (state.State.Location is not { } location)
        {
            // An id nobody created (or one retired): the activation was made only to say so, and is not kept.
            DeactivateOnIdle();
            throw ApiException.NotFound("Location");
        }

        return location.TenantId == tenantId ? location : throw ApiException.NotFound("Location");
    }
}
