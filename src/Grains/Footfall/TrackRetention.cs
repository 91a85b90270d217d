namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// How long and how many tracks a location holds so late events can still join them: events that arrive within
/// <see cref="ReorderWindow"/> of the location's newest event count as if they had arrived in ts order; a track
/// further back is forgotten (its counts stay). At most <see cref="MaxHeldTracks"/> tracks are held; past that the
/// oldest are forgotten early, so a flood of ids cannot grow memory without bound.
/// </summary>
public sealed record TrackRetention
{
    public static readonly TrackRetention Default = new(TimeSpan.FromHours(1), 50_000);

    public TrackRetention(TimeSpan reorderWindow, int maxHeldTracks)
    {
        if (reorderWindow < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(reorderWindow), reorderWindow, "The reorder window cannot be negative.");
        }

        if (maxHeldTracks < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(maxHeldTracks), maxHeldTracks, "A location holds at least 16 tracks.");
        }

        ReorderWindow = reorderWindow;
        MaxHeldTracks = maxHeldTracks;
    }

    public TimeSpan ReorderWindow { get; }

    public int MaxHeldTracks { get; }

    internal long ReorderWindowMs => (long)ReorderWindow.TotalMilliseconds;
}
