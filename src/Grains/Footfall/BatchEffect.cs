namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// What one bucket's base grid of one type gained: <see cref="Added"/> holds increments in 10-unit cells (add them,
/// coarsened, to a heatmap's grid), <see cref="Samples"/> how many events of that type arrived — a sample can add
/// 0 (a track's first dwell-time sample), so it counts toward <c>new_data_points</c> without changing a cell.
/// </summary>
public sealed record GridChange(TimeBucket Bucket, HeatmapType Type, IntensityGrid Added, int Samples);

/// <summary>
/// What one batch (or one idle expiry) changed that the grain forwards rather than reads back from the ledger: grid
/// increments to heatmap views, and the track and time figures behind its metrics and timers. Counts are not here:
/// the grain reads them from the ledger (<see cref="FootfallLedger.CountsBetween"/>) when it answers or pushes.
/// </summary>
public sealed class BatchEffect
{
    internal BatchEffect(IReadOnlyList<GridChange> grids, int tracksEnded, long? newestTsMs, int tracksForgottenEarly)
    {
        Grids = grids;
        TracksEnded = tracksEnded;
        NewestTsMs = newestTsMs;
        TracksForgottenEarly = tracksForgottenEarly;
    }

    /// <summary>Grid increments per bucket and type, ascending by bucket, then type.</summary>
    public IReadOnlyList<GridChange> Grids { get; }

    /// <summary>Tracks that stopped counting toward occupancy: timed out, cut by a track_end, or ended by silence.</summary>
    public int TracksEnded { get; }

    /// <summary>Tracks forgotten before the reorder window let them go because the location held its cap of tracks.</summary>
    public int TracksForgottenEarly { get; }

    /// <summary>The largest event ts the location has accepted (the contract's <c>last-update</c>), null before any.</summary>
    public long? NewestTsMs { get; }

    public DateTimeOffset? NewestTs => NewestTsMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
