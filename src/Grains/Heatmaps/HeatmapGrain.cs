using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Grains.Live;
using HeatmapSaas.Grains.Webhooks;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Live;
using HeatmapSaas.Locations;
using HeatmapSaas.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeatmapSaas.Grains.Heatmaps;

[GenerateSerializer]
public sealed class HeatmapGrainState
{
    [Id(0)] public Heatmap? Heatmap { get; set; }
    [Id(1)] public DataUpdateNotice Updates { get; set; } = new();
}

/// <summary>A heatmap: its configuration (persisted) and its grid view (derived, rebuilt on activation).</summary>
public sealed class HeatmapGrain(
    [PersistentState("heatmap", StorageNames.Default)] IPersistentState<HeatmapGrainState> state,
    IOptions<LiveOptions> liveOptions,
    IOptions<MemoryOptions> memory,
    TimeProvider clock,
    ILogger<HeatmapGrain> logger)
    : Grain, IHeatmapGrain, IRemindable
{
    private const string DataUpdatedReminder = "data-updated";

    private HeatmapView? _view;
    private LivePush? _live;
    private readonly Dictionary<long, HashSet<(int X, int Y)>> _changedCells = [];
    private DateTimeOffset? _newestTs;
    private DateTimeOffset _recallUsedAt;

    private LivePush Live => _live ??= new LivePush(this, liveOptions.Value, logger);

    public async Task ConfigureAsync(Heatmap heatmap)
    {
        var isNew = state.State.Heatmap is null;
        var intervalChanged = state.State.Heatmap?.RefreshIntervalSeconds != heatmap.RefreshIntervalSeconds;
        state.State.Heatmap = heatmap;
        await state.WriteStateAsync();
        if (!isNew && intervalChanged && state.State.Updates.Scheduled)
        {
            await ScheduleUpdateNoticeAsync();
        }

        if (isNew)
        {
            await GrainFactory.GetGrain<ILocationGrain>(heatmap.LocationId).AttachHeatmapAsync(heatmap);
            await GrainFactory.GetGrain<IWebhookRegistryGrain>(heatmap.TenantId).PublishAsync(WebhookPayload.Build(
                $"evt_created_{heatmap.Id}", WebhookEventTypes.HeatmapCreated, clock.GetUtcNow(),
                new { heatmap_id = heatmap.Id, location_id = heatmap.LocationId, name = heatmap.Name, type = heatmap.Type }));
        }
    }

    public async Task RetireAsync(long tenantId)
    {
        var heatmap = Owned(tenantId);
        await GrainFactory.GetGrain<ILocationGrain>(heatmap.LocationId).DetachHeatmapAsync(heatmap.Id);
        await state.ClearStateAsync();
        _view = null;
        DeactivateOnIdle();
    }

    public async Task ApplyAsync(long position, BucketCells[] changes, DateTimeOffset? newestTs)
    {
        if (state.State.Heatmap is null)
        {
            return;
        }

        // Counted apart from the view: a batch already in the view's backfill is still news for the notice.
        if (state.State.Updates.Record(position, changes.Sum(c => (long)c.Samples), newestTs))
        {
            await ScheduleUpdateNoticeAsync();
        }

        var view = await ViewAsync();
        KeepBounded(view);
        if (!view.Apply(position, changes))
        {
            return;
        }

        _newestTs = newestTs > _newestTs || _newestTs is null ? newestTs : _newestTs;
        if (Live.HasObservers && changes.Length > 0)
        {
            var factor = view.CellSize / IntensityGrid.BaseCellSize;
            foreach (var bucket in changes)
            {
                if (!_changedCells.TryGetValue(bucket.Bucket, out var cells))
                {
                    _changedCells[bucket.Bucket] = cells = [];
                }

                foreach (var cell in bucket.Cells)
                {
                    cells.Add((cell.X / factor, cell.Y / factor));
                }
            }

            Live.MarkChanged(ChangedFrames);
        }
    }

    public async Task<HeatmapFrame[]> SubscribeAsync(long tenantId, ILiveObserver observer)
    {
        var heatmap = Owned(tenantId);
        var view = await ViewAsync();
        Live.Subscribe(observer);
        var calendar = LocalCalendar.For(heatmap.TimeZone);
        var today = calendar.Day(calendar.Today(clock.GetUtcNow()));
        await HoldAsync(view, today.First.Index);
        var frames = new List<HeatmapFrame>();
        for (var b = today.First; b < today.EndExclusive; b = b.Next)
        {
            if (view.GridOf(b.Index) is { IsEmpty: false } grid)
            {
                frames.Add(Frame(view, b, grid.ToCells()));
            }
        }

        return frames.ToArray();
    }

    public Task UnsubscribeAsync(ILiveObserver observer)
    {
        _live?.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <summary>The changed cells since the last push, each with its absolute total in its bucket.</summary>
    private Action<ILiveObserver>? ChangedFrames()
    {
        if (_view is null || _changedCells.Count == 0)
        {
            return null;
        }

        var frames = _changedCells.Select(pair =>
        {
            var grid = _view.GridOf(pair.Key);
            var cells = pair.Value.Select(c => new GridCell(c.X, c.Y, grid?[c.X, c.Y] ?? 0)).ToArray();
            return Frame(_view, new TimeBucket(pair.Key), cells);
        }).ToList();
        _changedCells.Clear();
        return observer =>
        {
            foreach (var frame in frames)
            {
                observer.HeatmapUpdated(frame);
            }
        };
    }

    private HeatmapFrame Frame(HeatmapView view, TimeBucket bucket, IReadOnlyList<GridCell> cells) => new(
        this.GetPrimaryKeyString(),
        bucket.Start,
        // The cell centre in floor units, exactly as REST data_points: one coordinate system for every client.
        cells.Select(c => new[] { (c.X + 0.5) * view.CellSize, (c.Y + 0.5) * view.CellSize, view.Shown(c.Value) }).ToArray(),
        view.GridOf(bucket.Index) is { } grid ? view.Shown(grid.Max) : 0,
        _newestTs);

    public async Task<HeatmapData> GetDataAsync(long tenantId, BucketWindow window, Granularity granularity)
    {
        var heatmap = Owned(tenantId);

        // The summary and the floor come from two other grains: they work while this one sums its cells.
        var summaryCall = GrainFactory.GetGrain<ILocationGrain>(heatmap.LocationId).GetVisitorSummaryAsync(tenantId, window, heatmap.TimeZone);
        var locationCall = GrainFactory.GetGrain<ICatalogGrain>(tenantId).GetLocationAsync(heatmap.LocationId);
        var view = await ViewAsync();
        var calendar = LocalCalendar.For(heatmap.TimeZone);
        var periods = calendar.Split(new TimeBucket(window.FirstBucket), new TimeBucket(window.EndBucket), granularity);
        if (periods.Count > 0)
        {
            await HoldAsync(view, periods[0].First.Index);
        }

        if (view.Points(periods) is not { } points)
        {
            throw ApiException.Invalid("granularity",
                $"The answer would hold more than {HeatmapView.MaxPoints} points; ask for a coarser granularity or a shorter period");
        }

        var summary = await summaryCall;
        var floor = (await locationCall).FloorPlan;
        return new HeatmapData(points,
            (int)Math.Ceiling(floor.Width / heatmap.CellSize), (int)Math.Ceiling(floor.Height / heatmap.CellSize), summary);
    }

    /// <summary>The grid view, backfilled from the location's base grids the first time it is needed.</summary>
    private async Task<HeatmapView> ViewAsync()
    {
        if (_view is { IsFilled: true })
        {
            return _view;
        }

        var heatmap = state.State.Heatmap!;
        var view = new HeatmapView(heatmap.CellSize, heatmap.HeatmapType);
        var liveFrom = LiveFrom();
        view.Fill(await GrainFactory.GetGrain<ILocationGrain>(heatmap.LocationId)
            .GetGridsAsync(heatmap.TenantId, heatmap.HeatmapType, new BucketWindow(liveFrom, long.MaxValue)), liveFrom);
        return _view = view;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Samples counted since the last write would otherwise be missing from the next heatmap.data_updated.
        if (state.State.Heatmap is not null && state.State.Updates.PendingSamples > 0 && !ShutdownWrites.Pointless(ServiceProvider, reason))
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    /// <summary>heatmap.data_updated, on a reminder so it fires for an idle, deactivated heatmap too.</summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != DataUpdatedReminder)
        {
            return;
        }

        var updates = state.State.Updates;
        if (state.State.Heatmap is not { } heatmap || updates.Pending() is not { } notice)
        {
            // Nothing new arrived in a whole interval: stop ticking until something does.
            updates.Scheduled = false;
            if (await this.GetReminder(DataUpdatedReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }

            if (state.State.Heatmap is not null)
            {
                await state.WriteStateAsync();
            }

            return;
        }

        // Published before the count is written down: a crash in between sends the notice again rather than never.
        var now = clock.GetUtcNow();
        await GrainFactory.GetGrain<IWebhookRegistryGrain>(heatmap.TenantId).PublishAsync(WebhookPayload.Build(
            $"evt_updated_{heatmap.Id}_{now.ToUnixTimeMilliseconds()}", WebhookEventTypes.HeatmapDataUpdated, now,
            new
            {
                heatmap_id = heatmap.Id,
                new_data_points = notice.NewDataPoints,
                last_update = notice.LastUpdate is { } last ? Instants.Utc(last) : null,
            }));
        updates.MarkSent(notice.NewDataPoints, now);
        await state.WriteStateAsync();
    }

    private async Task ScheduleUpdateNoticeAsync()
    {
        var interval = TimeSpan.FromSeconds(state.State.Heatmap!.RefreshIntervalSeconds);
        await this.RegisterOrUpdateReminder(DataUpdatedReminder, state.State.Updates.DueIn(clock.GetUtcNow(), interval), interval);
        state.State.Updates.Scheduled = true;
        await state.WriteStateAsync();
    }

    /// <summary>The first bucket the view keeps in memory as time passes.</summary>
    private long LiveFrom() => TimeBucket.Of(clock.GetUtcNow() - memory.Value.HeatmapWindow).Index;

    /// <summary>Moves the live window forward and lets an unused recalled stretch go, so memory stays bounded.</summary>
    private void KeepBounded(HeatmapView view)
    {
        view.Trim(LiveFrom());
        if (view.HasRecall && clock.GetUtcNow() - _recallUsedAt > memory.Value.RecallIdle)
        {
            view.ForgetRecall();
        }
    }

    /// <summary>Makes sure the view holds every bucket from <paramref name="first"/> on, recalling older ones from the location.</summary>
    private async Task HoldAsync(HeatmapView view, long first)
    {
        KeepBounded(view);
        _recallUsedAt = clock.GetUtcNow();
        if (view.Holds(first))
        {
            return;
        }

        var heatmap = state.State.Heatmap!;
        var snapshot = await GrainFactory.GetGrain<ILocationGrain>(heatmap.LocationId)
            .GetGridsAsync(heatmap.TenantId, heatmap.HeatmapType, new BucketWindow(first, view.LiveFrom));
        view.Recall(snapshot, first);
    }

    private Heatmap Owned(long tenantId)
    {
        if (state.State.Heatmap is not { } heatmap)
        {
            // An id nobody created: the activation was made only to say so, and is not kept.
            DeactivateOnIdle();
            throw ApiException.NotFound("Heatmap");
        }

        return heatmap.TenantId == tenantId ? heatmap : throw ApiException.NotFound("Heatmap");
    }
}
