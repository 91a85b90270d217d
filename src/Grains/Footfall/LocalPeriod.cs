namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// One local period as a run of buckets. <see cref="Start"/> is the period's nominal local start with the offset in
/// force (an hour's start, or local midnight for days and weeks) even when a report window clips the period, so a
/// week starting Monday is labelled Monday; <see cref="First"/> and <see cref="BucketCount"/> cover only the part
/// inside the window.
/// </summary>
public readonly record struct LocalPeriod(DateTimeOffset Start, TimeBucket First, int BucketCount)
{
    public TimeBucket EndExclusive => First + BucketCount;

    public DateOnly Date => DateOnly.FromDateTime(Start.DateTime);
}
