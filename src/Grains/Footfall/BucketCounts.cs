namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// The per-person counts of one bucket (tracks first seen in it) and its conversions (events whose own ts is in
/// it). Sums over buckets are plain additions, so a range, a day or a tenant is <c>a + b + …</c>.
/// </summary>
public readonly record struct BucketCounts(
    long Visitors,
    long Discoveries,
    long Engagements,
    long Interactions,
    long Conversions,
    long DwellMs,
    decimal ConversionValue)
{
    public const long DiscoveryDwellMs = 3_000;
    public const long EngagementDwellMs = 10_000;

    public static readonly BucketCounts Zero = default;

    /// <summary>Every track is an impression: the same number as visitors until entrance lines exist.</summary>
    public long Impressions => Visitors;

    public bool IsZero => this == default;

    public static BucketCounts operator +(BucketCounts a, BucketCounts b) => new(
        a.Visitors + b.Visitors,
        a.Discoveries + b.Discoveries,
        a.Engagements + b.Engagements,
        a.Interactions + b.Interactions,
        a.Conversions + b.Conversions,
        a.DwellMs + b.DwellMs,
        a.ConversionValue + b.ConversionValue);

    /// <summary>The counts one track contributes to the bucket of its first_seen.</summary>
    internal static BucketCounts OfTrack(long dwellMs, bool interacted) => new(
        1,
        dwellMs >= DiscoveryDwellMs ? 1 : 0,
        dwellMs >= EngagementDwellMs ? 1 : 0,
        interacted ? 1 : 0,
        0,
        dwellMs,
        0m);

    /// <summary>
    /// This plus a track's change from <paramref name="before"/> to <paramref name="after"/>, in long arithmetic
    /// only: the hot path should not pay for decimal additions that cannot change anything.
    /// </summary>
    internal BucketCounts WithTrackChange(in BucketCounts before, in BucketCounts after) => this with
    {
        Visitors = Visitors + after.Visitors - before.Visitors,
        Discoveries = Discoveries + after.Discoveries - before.Discoveries,
        Engagements = Engagements + after.Engagements - before.Engagements,
        Interactions = Interactions + after.Interactions - before.Interactions,
        DwellMs = DwellMs + after.DwellMs - before.DwellMs,
    };

    internal BucketCounts WithConversion(decimal value) => this with
    {
        Conversions = Conversions + 1,
        ConversionValue = ConversionValue + value,
    };
}
