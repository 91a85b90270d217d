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

    /// <summary>The visitor summary beside a heatmap's answer (the API asks both side by side).</summary>
    [AlwaysInterleave]
    Task<VisitorSummary> GetVisitorSummaryAsync(long tenantId, BucketWindow window, string timeZone);

    Task<GatewayStatus[]> GetGatewaysAsync(long tenantId);

    /// <summary>The location's usage now (the tenant sums its locations' when asked).</summary>
    Task<HeatmapSaas.Tenants.LocationUsage> GetUsageAsync(long tenantId);

    /// <summary>The catalog links a heatmap to this location: from now on each batch's cells of that type are
    /// forwarded to it.</summary>
    Task FollowAsync(string heatmapId, HeatmapType type);

    Task UnfollowAsync(string heatmapId);

    /// <summary>Today's counters now; the observer then gets changes, coalesced, until it unsubscribes or expires.</summary>
    Task<LocationCounters> SubscribeAsync(long tenantId, ILiveObserver observer);

    Task UnsubscribeAsync(ILiveObserver observer);

    /// <summary>Sends a heatmap of this location the base grids its view wants (<see cref="GridsWanted"/>), as of
    /// the applied log position. Not interleaved, on purpose: no batch is applied between the snapshot and its
    /// delivery, so the heatmap then gets exactly the deltas the snapshot lacks.</summary>
    Task FeedHeatmapAsync(long tenantId, string heatmapId, BucketWindow window);
}
