namespace HeatmapSaas.Live;

/// <summary>
/// One per API host: heatmap and location grains push coalesced live changes to it, and the host forwards them to
/// its SignalR groups. Only hosts with watchers subscribe, so nothing is sent where nobody looks.
/// </summary>
public interface ILiveObserver : IGrainObserver
{
    void HeatmapUpdated(HeatmapFrame frame);

    void LocationCountersChanged(LocationCounters counters);
}

/// <summary>
/// A heatmap's cells in one bucket: <c>[x, y, count]</c>, x and y the cell centre in floor units exactly as REST
/// <c>data_points</c>, each count the bucket's absolute total.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record HeatmapFrame(
    [property: Id(0)] string HeatmapId,
    [property: Id(1)] DateTimeOffset BucketStart,
    [property: Id(2)] double[][] Cells,
    [property: Id(3)] double MaxCount,
    [property: Id(4)] DateTimeOffset? Ts);

/// <summary>A location's live counters for today in its zone.</summary>
[GenerateSerializer, Immutable]
public sealed record LocationCounters(
    [property: Id(0)] string LocationId,
    [property: Id(1)] int Occupancy,
    [property: Id(2)] long VisitorsToday,
    [property: Id(3)] long Impressions,
    [property: Id(4)] long Discoveries,
    [property: Id(5)] long Engagements,
    [property: Id(6)] long Interactions,
    [property: Id(7)] long Conversions,
    [property: Id(8)] int GatewaysOnline,
    [property: Id(9)] DateTimeOffset? LastUpdate,
    [property: Id(10)] int? Capacity = null,
    /// <summary>Occupancy / capacity (1.0 = full); null without a capacity.</summary>
    [property: Id(11)] double? Utilisation = null);
