namespace HeatmapSaas.Grains.Heatmaps;

/// <summary>
/// A heatmap's <c>heatmap.data_updated</c> bookkeeping: samples that arrived since the last notice, the newest
/// sample's time, and when the last notice went out. The first notice goes out at once; later ones at most once
/// per refresh interval, and only when samples arrived. Kept in the heatmap's grain state.
/// </summary>
[GenerateSerializer]
public sealed class DataUpdateNotice
{
    [Id(0)] public long PendingSamples { get; set; }
    [Id(1)] public DateTimeOffset? LastUpdate { get; set; }
    [Id(2)] public DateTimeOffset? LastNotifiedAt { get; set; }

    /// <summary>Whether a reminder is set for the next notice.</summary>
    [Id(3)] public bool Scheduled { get; set; }

    /// <summary>The location's log position last counted, so a batch seen again (a replay) is not counted twice.</summary>
    [Id(4)] public long LastPosition { get; set; }

    /// <summary>Counts a batch's new samples; true when a notice must now be scheduled (none is).</summary>
    public bool Record(long position, long samples, DateTimeOffset? newestTs)
    {
        if (position <= LastPosition)
        {
            return false;
        }

        LastPosition = position;
        if (samples <= 0)
        {
            return false;
        }

        PendingSamples += samples;
        if (newestTs > LastUpdate || LastUpdate is null)
        {
            LastUpdate = newestTs;
        }

        return !Scheduled;
    }

    /// <summary>
    /// How long until a notice may go out: a full interval after the last one, or <see cref="Soonest"/> (a reminder
    /// due "now" is taken by Orleans as due a whole period later).
    /// </summary>
    public TimeSpan DueIn(DateTimeOffset now, TimeSpan interval)
    {
        var wait = LastNotifiedAt is { } last ? last + interval - now : TimeSpan.Zero;
        return wait > Soonest ? wait : Soonest;
    }

    public static readonly TimeSpan Soonest = TimeSpan.FromSeconds(1);

    /// <summary>The notice due, or null when no samples arrived since the last one. Changes nothing until
    /// <see cref="MarkSent"/>, so a notice that failed to go out is still due.</summary>
    public (long NewDataPoints, DateTimeOffset? LastUpdate)? Pending() =>
        PendingSamples == 0 ? null : (PendingSamples, LastUpdate);

    public void MarkSent(long newDataPoints, DateTimeOffset now)
    {
        PendingSamples -= newDataPoints;
        LastNotifiedAt = now;
    }
}
