namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// The atom of time: a 15-minute UTC interval, numbered from the unix epoch. Every IANA offset in use is a
/// multiple of 15 minutes, so local hours, days and weeks are whole runs of buckets.
/// </summary>
public readonly record struct TimeBucket(long Index) : IComparable<TimeBucket>
{
    public const long Seconds = 900;
    public const long Milliseconds = Seconds * 1000;

    public static TimeBucket OfMs(long unixMs)
    {
        // Floor, not truncate, so instants before 1970 still land in the bucket that contains them.
        var index = unixMs / Milliseconds;
        return new TimeBucket(unixMs % Milliseconds < 0 ? index - 1 : index);
    }

    public static TimeBucket Of(DateTimeOffset instant) => OfMs(instant.ToUnixTimeMilliseconds());

    public long StartMs => Index * Milliseconds;

    public DateTimeOffset Start => DateTimeOffset.FromUnixTimeMilliseconds(StartMs);

    public TimeBucket Next => new(Index + 1);

    public static TimeBucket operator +(TimeBucket bucket, long count) => new(bucket.Index + count);

    public static TimeBucket operator -(TimeBucket bucket, long count) => new(bucket.Index - count);

    /// <summary>How many buckets lie from <paramref name="from"/> up to (not including) <paramref name="to"/>.</summary>
    public static long operator -(TimeBucket to, TimeBucket from) => to.Index - from.Index;

    public static bool operator <(TimeBucket a, TimeBucket b) => a.Index < b.Index;

    public static bool operator >(TimeBucket a, TimeBucket b) => a.Index > b.Index;

    public static bool operator <=(TimeBucket a, TimeBucket b) => a.Index <= b.Index;

    public static bool operator >=(TimeBucket a, TimeBucket b) => a.Index >= b.Index;

    public int CompareTo(TimeBucket other) => Index.CompareTo(other.Index);

    public override string ToString() => Instants.Utc(Start);
}
