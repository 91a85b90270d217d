namespace HeatmapSaas.Grains.Footfall;

/// <summary>One person's visit as it stands: the span of its position and interaction events.</summary>
public readonly record struct Track(string Id, long FirstSeenMs, long LastSeenMs, bool HasInteraction)
{
    /// <summary>last_seen − first_seen.</summary>
    public long DwellMs => LastSeenMs - FirstSeenMs;
}
