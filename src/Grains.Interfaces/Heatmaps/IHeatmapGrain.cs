using HeatmapSaas.Footfall;
using HeatmapSaas.Live;

namespace HeatmapSaas.Heatmaps;

/// <summary>One heatmap: a view over its location's data at its own cell size and zone.</summary>
public interface IHeatmapGrain : IGrainWithStringKey
{
    Task ConfigureAsync(Heatmap heatmap);

    Task RetireAsync(long tenantId);

    /// <summary>The base-grid cells one batch added, at its log position. One call per batch, never per event.</summary>
    Task ApplyAsync(long position, BucketCells[] changes, DateTimeOffset? newestTs);

    /// <summary>Today's picture (local buckets of the heatmap's zone); the observer then gets coalesced updates.</summary>
    Task<HeatmapFrame[]> SubscribeAsync(long tenantId, ILiveObserver observer);

    Task UnsubscribeAsync(ILiveObserver observer);

    Task<HeatmapData> GetDataAsync(long tenantId, BucketWindow window, Granularity granularity);
}
