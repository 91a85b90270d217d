using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Domain.Footfall;
using HeatmapSaas.Grains.Heatmaps;
using HeatmapSaas.Ingest;

namespace HeatmapSaas.Grains.Catalog;

[GenerateSerializer]
public sealed class HeatmapGrainState
{
    [Id(0)] public Heatmap? Heatmap { get; set; }
}

/// <summary>A heatmap: its configuration (persisted) and its grid view (derived, rebuilt on activation).</summary>
public sealed class HeatmapGrain(
    [PersistentState("heatmap", StorageNames.Default)] IPersistentState<HeatmapGrainState> state)
    : Grain, IHeatmapGrain
{
    private HeatmapView? _view;

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

    public async Task ApplyAsync(long position, BucketCells[] changes)
    {
        if (state.State.Heatmap is null)
        {
            return;
        }

        (await ViewAsync()).Apply(position, changes);
    }

    public async Task<HeatmapData> GetDataAsync(long tenantId, BucketWindow window, HeatmapGranularity granularity)
    {
        var heatmap = Owned(tenantId);
        var view = await ViewAsync();
        var calendar = LocalCalendar.TryFind(heatmap.TimeZone, out var zone) ? zone : LocalCalendar.Utc;
        var periods = calendar.Split(new TimeBucket(window.FirstBucket), new TimeBucket(window.EndBucket), granularity switch
        {
            HeatmapGranularity.Day => Granularity.Day,
            HeatmapGranularity.Week => Granularity.Week,
            _ => Granularity.Hour,
        });
        var (points, tooMany) = view.Points(periods);
        if (tooMany)
        {
            throw ApiException.Invalid("granularity",
                $"The answer would hold more than {HeatmapView.MaxPoints} points; ask for a coarser granularity or a shorter period");
        }

        var location = GrainFactory.GetGrain<ILocationGrain>(heatmap.LocationId);
        var summary = await location.GetVisitorSummaryAsync(tenantId, window, heatmap.TimeZone);
        var floor = (await GrainFactory.GetGrain<ICatalogGrain>(tenantId).GetLocationAsync(heatmap.LocationId)).FloorPlan;
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
        view.Fill(await GrainFactory.GetGrain<ILocationGrain>(heatmap.LocationId).GetGridsAsync(heatmap.TenantId, heatmap.Type));
        return _view = view;
    }

    private Heatmap Owned(long tenantId) =>
        state.State.Heatmap is { } heatmap && heatmap.TenantId == tenantId
            ? heatmap
            : throw ApiException.NotFound("Heatmap");
}
