namespace HeatmapSaas.Grains.Footfall;

/// <summary>How one bucket's counts changed; fields may be negative when a track moved to an earlier bucket.</summary>
public readonly record struct CountsChange(TimeBucket Bucket, BucketCounts Change);

/// <summary>
/// What one bucket's base grid of one type gained: <see cref="Added"/> holds increments in 10-unit cells (add them,
/// coarsened, to a heatmap's grid), <see cref="Samples"/> how many events of that type arrived — a sample can add
/// 0 (a track's first dwell-time sample), so it counts toward <c>new_data_points</c> without changing a cell.
/// </summary>
public sealed record GridChange(TimeBucket Bucket, HeatmapType Type, IntensityGrid Added, int Samples);

/// <summary>
/// Everything one batch (or one idle expiry) changed, so the grain can forward it — grid increments to heatmap
/// views, count changes to live dashboards and the tenant roll-up — without recomputing anything.
/// </summary>
public sealed class BatchEffect
{
    internal BatchEffect(
        IReadOnlyList<CountsChange> counts,
        IReadOnlyList<GridChange> grids,
        int events,
        int tracksStarted,
        int tracksEnded,
        int occupancy,
        long? newestTsMs,
        int tracksForgottenEarly = 0)
    {
        TracksForgottenEarly = tracksForgottenEarly;
        Counts = counts;
        Grids = grids;
        Events = events;
        TracksStarted = tracksStarted;
        TracksEnded = tracksEnded;
        Occupancy = occupancy;
        NewestTsMs = newestTsMs;
    }

    /// <summary>Net count changes per bucket, ascending by bucket; buckets whose counts did not change are absent.</summary>
    public IReadOnlyList<CountsChange> Counts { get; }

    /// <summary>Grid increments per bucket and type, ascending by bucket, then type.</summary>
    public IReadOnlyList<GridChange> Grids { get; }

    /// <summary>How many events the batch applied.</summary>
    public int Events { get; }

    public int TracksStarted { get; }

    public int TracksEnded { get; }

    /// <summary>Tracks forgotten before the reorder window let them go because the location held its cap of tracks.</summary>
    public int TracksForgottenEarly { get; }

    /// <summary>Open tracks after this change: the location's occupancy now.</summary>
    public int Occupancy { get; }

    public int OccupancyChange => TracksStarted - TracksEnded;

    /// <summary>The largest event ts the location has accepted (the contract's <c>last-update</c>), null before any.</summary>
    public long? NewestTsMs { get; }

    public DateTimeOffset? NewestTs => NewestTsMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>True when nothing a listener could see changed.</summary>
    public bool IsEmpty => Counts.Count == 0 && Grids.Count == 0 && TracksStarted == 0 && TracksEnded == 0 && TracksForgottenEarly == 0;

    /// <summary>The sum of the count changes that fall in a bucket range, e.g. "today" for a live counter.</summary>
    public BucketCounts CountsBetween(TimeBucket from, TimeBucket toExclusive)
    {
        var sum = BucketCounts.Zero;
        foreach (var change in Counts)
        {
            if (change.Bucket >= from && change.Bucket < toExclusive)
            {
                sum += change.Change;
            }
        }

        return sum;
    }

    /// <summary>Events of a heatmap type in this batch: what <c>heatmap.data_updated</c> reports as new data points.</summary>
    public long SamplesOf(HeatmapType type)
    {
        long samples = 0;
        foreach (var grid in Grids)
        {
            if (grid.Type == type)
            {
                samples += grid.Samples;
            }
        }

        return samples;
    }
}
