using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Domain.Footfall;
using HeatmapSaas.Grains.Heatmaps;
using HeatmapSaas.Grains.Live;
using HeatmapSaas.Ingest;
using HeatmapSaas.Live;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeatmapSaas.Grains.Catalog;

[GenerateSerializer]
public sealed class HeatmapGrainState
{
    [Id(0)] public Heatmap? Heatmap { get; set; }
}

/// <summary>A heatmap: its configuration (persisted) and its grid view (derived, rebuilt on activation).</summary>
public sealed class HeatmapGrain(
    [PersistentState("heatmap", StorageNames.Default)] IPersistentState<HeatmapGrainState> state,
    IOptions<LiveOptions> liveOptions,
    TimeProvider clock,
    ILogger<HeatmapGrain> logger)
    : Grain, IHeatmapGrain
{
    private HeatmapView? _view;
    private LivePush? _live;
    private readonly Dictionary<long, HashSet<(int X, int Y)>> _changedCells = [];
    private DateTimeOffset? _newestTs;
    private DateTimeOffset _recallUsedAt;

    private LivePush Live => _live ??= new LivePush(this, liveOptions.Value, logger);

    public async Task ConfigureAsync(Heatmap heatmap)
    {
        var isNew = state.State.Heatmap is null;
        state.State.Heatmap = heatmap;
        await state.WriteStateAsync();
        if (isNew)
        {
            await GrainFactory.GetGrain<ILocationGrain>(heatmap.LocationId).AttachHeatmapAsync(heatmap);
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
        var calendar = LocalCalendar.TryFind(heatmap.TimeZone, out var zone) ? zone : LocalCalendar.Utc;
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
        cells.Select(c => new[] { c.X, (double)c.Y, view.Shown(c.Value) }).ToArray(),
        view.GridOf(bucket.Index) is { } grid ? view.Shown(grid.Max) : 0,
        _newestTs);

    public async Task<HeatmapData> GetDataAsync(long tenantId, BucketWindow window, HeatmapGranularity granularity)
    {
        var heatmap = Owned(tenantId);

        // The summary and the floor come from two other grains: they work while this one sums its cells.
        var summaryCall = GrainFactory.GetGrain<ILocationGrain>(heatmap.LocationId).GetVisitorSummaryAsync(tenantId, window, heatmap.TimeZone);
        var locationCall = GrainFactory.GetGrain<ICatalogGrain>(tenantId).GetLocationAsync(heatmap.LocationId);
        var view = await ViewAsync();
        var calendar = LocalCalendar.TryFind(heatmap.TimeZone, out var zone) ? zone : LocalCalendar.Utc;
        var periods = calendar.Split(new TimeBucket(window.FirstBucket), new TimeBucket(window.EndBucket), granularity switch
        {
            HeatmapGranularity.Day => Granularity.Day,
            HeatmapGranularity.Week => Granularity.Week,
            _ => Granularity.Hour,
        });
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
        HeatmapTypes.TryParse(heatmap.Type, out var type);
        var view = new HeatmapView(heatmap.CellSize, type);
        var liveFrom = LiveFrom();
        view.Fill(await GrainFactory.GetGrain<ILocationGrain>(heatmap.LocationId)
            .GetGridsAsync(heatmap.TenantId, heatmap.Type, new BucketWindow(liveFrom, long.MaxValue)), liveFrom);
        return _view = view;
    }

    /// <summary>The first bucket the view keeps in memory as time passes.</summary>
    private long LiveFrom() => TimeBucket.Of(clock.GetUtcNow() - liveOptions.Value.HeatmapWindow).Index;

    /// <summary>Moves the live window forward and lets an unused recalled stretch go, so memory stays bounded.</summary>
    private void KeepBounded(HeatmapView view)
    {
        view.Trim(LiveFrom());
        if (view.HasRecall && clock.GetUtcNow() - _recallUsedAt > liveOptions.Value.RecallIdle)
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
            .GetGridsAsync(heatmap.TenantId, heatmap.Type, new BucketWindow(first, view.LiveFrom));
        view.Recall(snapshot, first);
    }

    private Heatmap Owned(long tenantId) =>
        state.State.Heatmap is { } heatmap && heatmap.TenantId == tenantId
            ? heatmap
            : throw ApiException.NotFound("Heatmap");
}
