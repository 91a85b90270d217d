using HeatmapSaas.Footfall;
using HeatmapSaas.Live;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Heatmaps;

/// <summary>
/// One heatmap: a view over its location's data at its own cell size and zone. It calls no location or catalog:
/// its configuration comes from the catalog, its grids from its location (deltas and snapshots).
/// </summary>
public interface IHeatmapGrain : IGrainWithStringKey
{
    Task ConfigureAsync(Heatmap heatmap);

    Task RetireAsync(long tenantId);

    /// <summary>The base-grid cells one batch added, at its log position. One call per batch, never per event.</summary>
    Task ApplyAsync(long position, BucketCells[] changes, DateTimeOffset? newestTs);

    /// <summary>The base grids its location snapshotted for it (<see cref="ILocationGrain.FeedHeatmapAsync"/>):
    /// the live part when <paramref name="window"/> is open-ended, else a recalled stretch before it.</summary>
    Task FillAsync(GridSnapshot snapshot, BucketWindow window);

    /// <summary>Today's picture (local buckets of the heatmap's zone); the observer then gets coalesced updates. An
    /// answer naming wanted grids subscribes nobody: feed them and ask again (<see cref="HeatmapQueries"/>).</summary>
    Task<ViewAnswer<HeatmapFrame[]>> SubscribeAsync(long tenantId, ILiveObserver observer);

    Task UnsubscribeAsync(ILiveObserver observer);

    Task<ViewAnswer<HeatmapPointSet>> GetPointsAsync(long tenantId, BucketWindow window, Granularity granularity);
}
