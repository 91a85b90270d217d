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

/// <summary>
/// A heatmap: its configuration (persisted, pushed by the catalog) and its grid view (derived: filled and fed by its
/// location, never asked for). Calls out only to publish webhooks.
/// </summary>
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

    /// <summary>From the catalog, the owner of the configuration (which also tells the location to follow this heatmap).</summary>
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
            await GrainFactory.GetGrain<IWebhookRegistryGrain>(heatmap.TenantId).PublishAsync(WebhookPayload.Build(
                $"evt_created_{heatmap.Id}", WebhookEventTypes.HeatmapCreated, clock.GetUtcNow(),
                new { heatmap_id = heatmap.Id, location_id = heatmap.LocationId, name = heatmap.Name, type = heatmap.Type }));
        }
    }

    public async Task RetireAsync(long tenantId)
    {
        _ = Owned(tenantId);
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

        _newestTs = newestTs > _newestTs || _newestTs is null ? newestTs : _newestTs;
        // An unfilled view ignores deltas: the snapshot that fills it is taken later and already holds them.
        if (_view is not { } view)
        {
            return;
        }

        KeepBounded(view);
        if (!view.Apply(position, changes))
        {
            return;
        }

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

    public Task<ViewAnswer<HeatmapFrame[]>> SubscribeAsync(long tenantId, ILiveObserver observer)
    {
        var calendar = LocalCalendar.For(Owned(tenantId).TimeZone);
        var today = calendar.Day(calendar.Today(clock.GetUtcNow()));
        if (Wanted(today.First.Index) is { } wanted)
        {
            return Task.FromResult(new ViewAnswer<HeatmapFrame[]>(null, wanted));
        }

        Live.Subscribe(observer);
        var view = _view!;
        var frames = new List<HeatmapFrame>();
        for (var b = today.First; b < today.EndExclusive; b = b.Next)
        {
            if (view.GridOf(b.Index) is { IsEmpty: false } grid)
            {
                frames.Add(Frame(view, b, grid.ToCells()));
            }
        }

        return Task.FromResult(new ViewAnswer<HeatmapFrame[]>(frames.ToArray()));
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

    public Task<ViewAnswer<HeatmapPointSet>> GetPointsAsync(long tenantId, BucketWindow window, Granularity granularity)
    {
        var periods = LocalCalendar.For(Owned(tenantId).TimeZone)
            .Split(new TimeBucket(window.FirstBucket), new TimeBucket(window.EndBucket), granularity);
        if (Wanted(periods.Count > 0 ? periods[0].First.Index : long.MaxValue) is { } wanted)
        {
            return Task.FromResult(new ViewAnswer<HeatmapPointSet>(null, wanted));
        }

        return _view!.Points(periods) is { } points
            ? Task.FromResult(new ViewAnswer<HeatmapPointSet>(points))
            : throw ApiException.Invalid("granularity",
                $"The answer would hold more than {HeatmapView.MaxPoints} points; ask for a coarser granularity or a shorter period");
    }

    public Task FillAsync(GridSnapshot snapshot, BucketWindow window)
    {
        if (state.State.Heatmap is not { } heatmap)
        {
            return Task.CompletedTask;
        }

        if (window.EndBucket == long.MaxValue)
        {
            _view = new HeatmapView(heatmap.CellSize, heatmap.HeatmapType);
            _view.Fill(snapshot, window.FirstBucket);
        }
        else if (_view is { } view && window.EndBucket == view.LiveFrom)
        {
            // A recall snapshotted for a live part that has moved on since would leave a gap: the next ask wants again.
            view.Recall(snapshot, window.FirstBucket);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The grids the view lacks to hold every bucket from <paramref name="first"/> on (the live part, then a recalled
    /// stretch before it), or null when it holds them. Moves the view's window on and marks the recall as used.
    /// </summary>
    private GridsWanted? Wanted(long first)
    {
        var heatmap = state.State.Heatmap!;
        if (_view is not { IsFilled: true } view)
        {
            return new GridsWanted(heatmap.LocationId, new BucketWindow(LiveFrom(), long.MaxValue));
        }

        KeepBounded(view);
        _recallUsedAt = clock.GetUtcNow();
        return view.Holds(first) ? null : new GridsWanted(heatmap.LocationId, new BucketWindow(first, view.LiveFrom));
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
