using HeatmapSaas.Footfall;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Live;
using Orleans.Concurrency;

namespace HeatmapSaas.Locations;

/// <summary>
/// One location's live data. Its configuration is pushed by the tenant's catalog; every call names the caller's
/// tenant and a location of another tenant answers as if it did not exist.
/// </summary>
public interface ILocationGrain : IGrainWithStringKey
{
    Task ConfigureAsync(Location location);

    Task RetireAsync(long tenantId);

    /// <summary>The <c>ts</c> of the newest accepted sensor event, or null before any.</summary>
    Task<DateTimeOffset?> GetLastUpdateAsync(long tenantId);

    /// <summary>Validates, dedupes, logs and applies one gateway batch; answers the 202 body.</summary>
    Task<IngestReceipt> IngestAsync(long tenantId, SensorBatch batch);

    /// <summary>Reads interleave with ingest and the ticks (checkpoints, closings): a question need not wait for a
    /// storage write, and the counts it reads are copied before anything is awaited.</summary>
    [AlwaysInterleave]
    Task<TrafficRow[]> GetTrafficAsync(long tenantId, TrafficQuery query);

    [AlwaysInterleave]
    Task<LocationAnalytics> GetAnalyticsAsync(long tenantId, BucketWindow window);

    /// <summary>A heatmap's summary. A heatmap grain asks for it in the middle of answering, while this grain may be
    /// awaiting that same heatmap's ApplyAsync during an ingest: without interleaving the two wait on each other until
    /// the call times out. It only reads, and the ledger changes in synchronous stretches, so a read between them is
    /// a consistent one.</summary>
    [AlwaysInterleave]
    Task<VisitorSummary> GetVisitorSummaryAsync(long tenantId, BucketWindow window, string timeZone);

    Task<GatewayStatus[]> GetGatewaysAsync(long tenantId);

    /// <summary>What the location last published on the tenant's roll-up stream, computed now.</summary>
    Task<HeatmapSaas.Tenants.LocationUsage> GetUsageAsync(long tenantId);

    /// <summary>A heatmap of this location starts (or stops) following its batches.</summary>
    Task AttachHeatmapAsync(Heatmap heatmap);

    Task DetachHeatmapAsync(string heatmapId);

    /// <summary>Today's counters now; the observer then gets changes, coalesced, until it unsubscribes or expires.</summary>
    Task<LocationCounters> SubscribeAsync(long tenantId, ILiveObserver observer);

    Task UnsubscribeAsync(ILiveObserver observer);

    /// <summary>The base grids of one type in a window of buckets with the log position they reflect, for a heatmap's
    /// backfill or recall. It may run while this grain awaits that heatmap, so it interleaves; it only reads.</summary>
    [AlwaysInterleave]
    Task<GridSnapshot> GetGridsAsync(long tenantId, HeatmapType type, BucketWindow window);
}
