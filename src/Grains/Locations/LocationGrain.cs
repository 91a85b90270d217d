using HeatmapSaas.Errors;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Grains.Live;
using HeatmapSaas.Grains.Locations.History;
using HeatmapSaas.Grains.Locations.Log;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Live;
using Microsoft.Extensions.Logging;
using HeatmapSaas.Locations;
using HeatmapSaas.Tenants;
using HeatmapSaas.Grains.Webhooks;
using HeatmapSaas.Webhooks;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace HeatmapSaas.Grains.Locations;

[GenerateSerializer]
public sealed class LocationGrainState : IJournalCheckpoint
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
    [Id(12)] public Dictionary<string, HeatmapType> Following { get; set; } = [];
}

/// <summary>
/// One location: its configuration (pushed by the catalog), the tenant check and rate limit, validation, and what
/// follows an applied batch — live counters, the capacity alarm, the heatmaps that follow it. A thin shell over its
/// <see cref="LocationJournal"/> (log, ledger, checkpoint, history) and <see cref="IngestActivity"/> (gateways, usage).
/// Awaits only the heatmaps it feeds and the webhook registry: nothing it calls calls it back.
/// </summary>
public sealed class LocationGrain(
    [PersistentState("location", StorageNames.Default)] IPersistentState<LocationGrainState> state,
    IIngestLog log,
    IHistoryStore history,
    IOptions<IngestOptions> options,
    IOptions<LiveOptions> liveOptions,
    IOptions<MemoryOptions> memory,
    ILogger<LocationGrain> logger,
    TimeProvider clock) : Grain, ILocationGrain, IJournalStorage
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SlowTickInterval = TimeSpan.FromMinutes(1);

    private readonly IngestOptions _options = options.Value;
    private LivePush? _live;
    private LocationJournal _journal = null!;
    private IngestActivity _activity = null!;
    private EventRateLimit _rateLimit = null!;
    private IGrainTimer? _ticker;
    // The tick's slower duty: when to look for old buckets and forgotten gateways again.
    private DateTimeOffset _closingRecheck;

    private LivePush Live => _live ??= new LivePush(this, liveOptions.Value, logger);

    private string LocationId => this.GetPrimaryKeyString();

    private FootfallLedger Ledger => _journal.Ledger;

    IJournalCheckpoint IJournalStorage.Checkpoint => state.State;

    Task IJournalStorage.WriteAsync() => state.WriteStateAsync();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _rateLimit = new EventRateLimit(_options.MaxEventsPerSecond);
        _activity = new IngestActivity(state.State, _options);
        _journal = NewJournal();
        if (state.State.Location is not { } location)
        {
            // Nothing here (yet): no timer until ConfigureAsync says the location exists; a caller who only asked
            // gets a 404 and this activation goes (see Owned).
            return;
        }

        StartTicking();
        foreach (var heatmap in state.State.Heatmaps)
        {
            state.State.Following[heatmap.Id] = heatmap.HeatmapType;
        }

        state.State.Heatmaps.Clear();
        // Whatever was acknowledged after the checkpoint is applied again, in log order, at its original time.
        await _journal.RecoverAsync(RulesOf(location), cancellationToken);
    }

    private LocationJournal NewJournal() =>
        new(LocationId, log, history, this, _options, memory.Value, clock, logger, _activity.Record);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _ticker?.Dispose();
        if (state.State.Location is not null && !ShutdownWrites.Pointless(ServiceProvider, reason))
        {
            LeaveIfStale(await _journal.TryCheckpointAsync());
        }

        _journal.Release();
    }

    public async Task ConfigureAsync(Location location)
    {
        state.State.Location = location;
        _journal.Configure(RulesOf(location));
        await _journal.CheckpointAsync();
        StartTicking();
    }

    private void StartTicking() => _ticker ??= this.RegisterGrainTimer(TickAsync, TickInterval, TickInterval);

    public async Task RetireAsync(long tenantId)
    {
        _ = Owned(tenantId);
        _ticker?.Dispose();
        _ticker = null;
        await state.ClearStateAsync();
        _activity = new IngestActivity(state.State, _options);
        _journal = NewJournal();
        DeactivateOnIdle();
    }

    public Task<DateTimeOffset?> GetLastUpdateAsync(long tenantId)
    {
        _ = Owned(tenantId);
        return Task.FromResult(Ledger.NewestTs);
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
        var append = await _journal.AppendAsync(new LoggedBatch(0, batch.BatchId, batch.GatewayId, accepted, receipt, now));
        await FollowUpAsync(append.Applied);
        if (append.Duplicate is { } first)
        {
            return first with { Duplicate = true };
        }

        LeaveIfStale(await _journal.CheckpointIfDueAfterBatchAsync());

        return append.Applied[^1].Effect is not null
            ? receipt
            : throw new ApiException(ApiErrorCode.InternalError,
                "The batch was stored but could not be applied; it is quarantined and counts nothing");
    }

    /// <summary>What follows applied batches: live counters, the capacity alarm, and the heatmaps' deltas.</summary>
    private async Task FollowUpAsync(IReadOnlyList<AppliedBatch> applied)
    {
        foreach (var (entry, effect) in applied)
        {
            if (effect is null)
            {
                continue;
            }

            Live.MarkChanged(CountersPush);
            await WatchCapacityAsync();
            await ForwardToHeatmapsAsync(entry.Position, effect);
        }
    }

    /// <summary>location.occupancy_exceeded, once per upward crossing of the capacity (see <see cref="OccupancyAlarm"/>).</summary>
    private async Task WatchCapacityAsync()
    {
        if (state.State.Location is not { } location)
        {
            return;
        }

        var occupancy = Ledger.Occupancy;
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

    private Task ForwardToHeatmapsAsync(long position, BatchEffect effect)
    {
        if (effect.Grids.Count == 0 || state.State.Following.Count == 0)
        {
            return Task.CompletedTask;
        }

        return Task.WhenAll(state.State.Following.Select(heatmap =>
        {
            var changes = effect.Grids.Where(g => g.Type == heatmap.Value)
                .Select(g => new BucketCells(g.Bucket.Index, LocationJournal.CellsOf(g.Added), g.Samples))
                .ToArray();
            return GrainFactory.GetGrain<IHeatmapGrain>(heatmap.Key).ApplyAsync(position, changes, effect.NewestTs);
        }));
    }

    public async Task<TrafficRow[]> GetTrafficAsync(long tenantId, TrafficQuery query)
    {
        var calendar = LocalCalendar.For(Owned(tenantId).TimeZone);
        var day = calendar.Day(query.Date);
        return (await _journal.ReportsAsync(calendar, day.First.Index, day.EndExclusive.Index)).Traffic(query);
    }

    public async Task<LocationAnalytics> GetAnalyticsAsync(long tenantId, BucketWindow window) =>
        (await _journal.ReportsAsync(LocalCalendar.For(Owned(tenantId).TimeZone), window.FirstBucket, window.EndBucket)).Analytics(window);

    public async Task<VisitorSummary> GetVisitorSummaryAsync(long tenantId, BucketWindow window, string timeZone)
    {
        _ = Owned(tenantId);
        return (await _journal.ReportsAsync(LocalCalendar.For(timeZone), window.FirstBucket, window.EndBucket)).Summary(window);
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
        var counts = CountsToday(now);
        var capacity = state.State.Location!.Capacity;
        return new LocationCounters(LocationId, Ledger.Occupancy, counts.Visitors, counts.Impressions, counts.Discoveries,
            counts.Engagements, counts.Interactions, counts.Conversions, _activity.GatewaysOnline(now, liveOptions.Value.GatewayOnlineWindow),
            Ledger.NewestTs, capacity, OccupancyAlarm.Utilisation(Ledger.Occupancy, capacity));
    }

    private BucketCounts CountsToday(DateTimeOffset now)
    {
        var calendar = LocalCalendar.For(state.State.Location!.TimeZone);
        var today = calendar.Day(calendar.Today(now));
        return Ledger.CountsBetween(today.First, today.EndExclusive);
    }

    public Task<LocationUsage> GetUsageAsync(long tenantId)
    {
        _ = Owned(tenantId);
        var now = clock.GetUtcNow();
        var (events, batches) = _activity.InMonth(now);
        return Task.FromResult(new LocationUsage(LocationId, UsageMonth.Of(now), events, batches, Ledger.Occupancy, CountsToday(now).Visitors));
    }

    public Task<GatewayStatus[]> GetGatewaysAsync(long tenantId)
    {
        _ = Owned(tenantId);
        return Task.FromResult(_activity.Gateways(clock.GetUtcNow()));
    }

    public async Task FollowAsync(string heatmapId, HeatmapType type)
    {
        state.State.Following[heatmapId] = type;
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
            await GrainFactory.GetGrain<IHeatmapGrain>(heatmapId).FillAsync(await _journal.GridsAsync(type, window), window);
        }
    }

    /// <summary>
    /// Once a second: ends tracks of a store gone quiet (wall-clock silence), catches up with the log after an
    /// append of unknown outcome and checkpoints when due. Every resident location ticks, so a tick with nothing to do
    /// does next to nothing: old buckets and gateways are looked at once a minute (buckets are 15 minutes long, and
    /// leave memory days later).
    /// </summary>
    private async Task TickAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (Ledger.IdleExpiryDue <= now && Ledger.ExpireIdle(now).TracksEnded > 0)
        {
            Live.MarkChanged(CountersPush);
            await WatchCapacityAsync(); // emptying re-arms the alarm
        }

        if (state.State.Location is null)
        {
            return;
        }

        try
        {
            await FollowUpAsync(await _journal.CatchUpAsync());
        }
        catch (ApiException)
        {
            // Still unreachable: the next tick or batch tries again.
        }

        LeaveIfStale(await _journal.CheckpointIfDueAsync(now));

        if (now >= _closingRecheck)
        {
            _closingRecheck = now + SlowTickInterval;
            _activity.ForgetGateways(now);
            LeaveIfStale(await _journal.CloseOldBucketsAsync(now));
        }
    }

    /// <summary>
    /// A checkpoint that lost its ETag race leaves this activation's view of the state stale: it deactivates, and the
    /// next activation reads the state afresh. Other failures only mean more to replay.
    /// </summary>
    private void LeaveIfStale(CheckpointOutcome outcome)
    {
        if (outcome == CheckpointOutcome.Stale)
        {
            DeactivateOnIdle();
        }
    }

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
