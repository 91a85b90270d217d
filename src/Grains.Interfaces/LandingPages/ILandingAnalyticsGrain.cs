namespace HeatmapSaas.LandingPages;

/// <summary>
/// A tenant's landing-page analytics (seed 001), keyed by the tenant id: the per-minute event budget shared by every
/// API node, unique visitors and counters per local day of the tenant's zone, and a bounded log of recent events.
/// </summary>
public interface ILandingAnalyticsGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Records one event. Throws an <c>ApiException</c>: 400 naming <c>tenant_id</c> when no tenant has this id,
    /// 429 with a retry delay when the tenant's 100 events of the last minute are used up. A bot's hit
    /// (<see cref="LandingHit.Bot"/>) is checked the same way except for the budget, and not counted.
    /// </summary>
    Task<TrackOutcome> TrackAsync(LandingHit hit);

    /// <summary>The dashboard figures for today in the tenant's zone.</summary>
    Task<LandingSummary> GetSummaryAsync();

    /// <summary>Top pages, referrer sources and device classes of the 7 local days ending today.</summary>
    Task<LandingBreakdown> GetBreakdownAsync();

    /// <summary>The most recent stored events, newest last (an operator's and the tests' view of what is kept).</summary>
    Task<IReadOnlyList<StoredLandingHit>> GetRecentAsync();
}

/// <summary>
/// The secret salt of visitor hashes when <c>Heatmap:Analytics:Salt</c> is not configured: generated once, persisted,
/// the same for every API node. A singleton (key 0).
/// </summary>
public interface IAnalyticsSaltGrain : IGrainWithIntegerKey
{
    Task<string> GetOrCreateAsync();
}
