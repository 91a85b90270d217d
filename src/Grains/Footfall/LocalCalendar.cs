namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// Local time of one IANA zone, composed from 15-minute UTC buckets: a bucket belongs to the local date and hour
/// its start falls in. DST days have 92 or 100 buckets; a skipped hour has no bucket, a repeated hour appears
/// twice with different offsets; zones such as Asia/Kathmandu (+05:45) have local hours that start at :15 UTC.
/// </summary>
public sealed class LocalCalendar
{
    private const int MaxScanSteps = 4 * 96;

    public LocalCalendar(TimeZoneInfo zone)
    {
        Zone = zone;
    }

    public static LocalCalendar Utc { get; } = new(TimeZoneInfo.Utc);

    public TimeZoneInfo Zone { get; }

    /// <summary>The calendar of an IANA zone id, or false when the id is not a zone this machine knows.</summary>
    public static bool TryFind(string ianaId, out LocalCalendar calendar)
    {
        if (TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out var zone))
        {
            calendar = new LocalCalendar(zone);
            return true;
        }

        calendar = Utc;
        return false;
    }

    /// <summary>
    /// The calendar of a stored zone, or UTC for an id this machine does not know: zones are checked when they are
    /// set, so the fallback only serves a machine whose zone database lacks one.
    /// </summary>
    public static LocalCalendar For(string ianaId) => TryFind(ianaId, out var calendar) ? calendar : Utc;

    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>A bucket's start in local time, carrying the offset in force.</summary>
    public DateTimeOffset LocalStart(TimeBucket bucket) => ToLocal(bucket.Start);

    public DateOnly LocalDate(TimeBucket bucket) => DateOnly.FromDateTime(LocalStart(bucket).DateTime);

    public int LocalHour(TimeBucket bucket) => LocalStart(bucket).Hour;

    public DayOfWeek LocalWeekday(TimeBucket bucket) => LocalStart(bucket).DayOfWeek;

    public DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(ToLocal(now).DateTime);

    /// <summary>The Monday of the ISO week a date is in.</summary>
    public static DateOnly MondayOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    /// <summary>
    /// The first bucket of a local date: local midnight, or the first instant after it when midnight itself was
    /// skipped by a DST change. A date that never happened locally (Pacific/Apia, 2011-12-30) has no buckets:
    /// its first bucket is the next date's.
    /// </summary>
    public TimeBucket FirstBucketOf(DateOnly date)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue);
        var bucket = TimeBucket.OfMs(new DateTimeOffset(midnight.Ticks - Zone.GetUtcOffset(midnight).Ticks, TimeSpan.Zero).ToUnixTimeMilliseconds());

        // The guess is off only around a transition (an ambiguous or skipped midnight); walk to the exact bucket.
        for (var step = 0; step < MaxScanSteps && LocalDate(bucket - 1) >= date; step++)
        {
            bucket -= 1;
        }

        for (var step = 0; step < MaxScanSteps && LocalDate(bucket) < date; step++)
        {
            bucket += 1;
        }

        return bucket;
    }

    /// <summary>Local midnight of a date as a UTC instant (see <see cref="FirstBucketOf"/>).</summary>
    public DateTimeOffset MidnightUtc(DateOnly date) => FirstBucketOf(date).Start;

    public LocalPeriod Day(DateOnly date)
    {
        var first = FirstBucketOf(date);
        return new LocalPeriod(ToLocal(first.Start), first, (int)(FirstBucketOf(date.AddDays(1)) - first));
    }

    /// <summary>The local hours of a date in time order; a repeated hour twice, a skipped hour not at all.</summary>
    public IReadOnlyList<LocalPeriod> Hours(DateOnly date)
    {
        var day = Day(date);
        return Split(day.First, day.EndExclusive, Granularity.Hour);
    }

    /// <summary>The buckets of a local date, each with its local start (for 15-minute rows).</summary>
    public IReadOnlyList<LocalPeriod> QuarterHours(DateOnly date)
    {
        var day = Day(date);
        return Split(day.First, day.EndExclusive, Granularity.QuarterHour);
    }

    /// <summary>Cuts [from, toExclusive) into local periods in time order, clipping the first and last.</summary>
    public IReadOnlyList<LocalPeriod> Split(TimeBucket from, TimeBucket toExclusive, Granularity granularity)
    {
        var periods = new List<LocalPeriod>();
        var runStart = from;
        var runKey = default(PeriodKey);
        for (var bucket = from; bucket < toExclusive; bucket += 1)
        {
            var local = LocalStart(bucket);
            var key = KeyOf(local, granularity);
            if (bucket == from)
            {
                runKey = key;
            }
            else if (key != runKey)
            {
                periods.Add(new LocalPeriod(NominalStart(runKey, granularity), runStart, (int)(bucket - runStart)));
                runStart = bucket;
                runKey = key;
            }
        }

        if (toExclusive > from)
        {
            periods.Add(new LocalPeriod(NominalStart(runKey, granularity), runStart, (int)(toExclusive - runStart)));
        }

        return periods;
    }

    /// <summary>
    /// The instant of a local wall-clock time: a time a DST gap skipped is read with the offset before the gap
    /// (02:30 on a spring-forward night is 03:30 of the new offset), a repeated time as its first occurrence.
    /// </summary>
    public DateTimeOffset ToInstant(DateTime localWallClock)
    {
        var local = DateTime.SpecifyKind(localWallClock, DateTimeKind.Unspecified);
        TimeSpan offset;
        if (Zone.IsAmbiguousTime(local))
        {
            offset = Zone.GetAmbiguousTimeOffsets(local).Max();
        }
        else if (Zone.IsInvalidTime(local))
        {
            // Inside a gap each of the two offsets maps the time to the other side of the transition, so two
            // lookups find both; clocks sprang forward, so the smaller is the one before.
            var a = Zone.GetUtcOffset(new DateTime(local.Ticks - Zone.BaseUtcOffset.Ticks, DateTimeKind.Utc));
            var b = Zone.GetUtcOffset(new DateTime(local.Ticks - a.Ticks, DateTimeKind.Utc));
            offset = a < b ? a : b;
        }
        else
        {
            offset = Zone.GetUtcOffset(local);
        }

        return new DateTimeOffset(local.Ticks - offset.Ticks, TimeSpan.Zero);
    }

    private static PeriodKey KeyOf(DateTimeOffset local, Granularity granularity)
    {
        var date = DateOnly.FromDateTime(local.DateTime);
        return granularity switch
        {
            Granularity.QuarterHour => new PeriodKey(date, local.Hour, local.Minute, local.Offset),
            Granularity.Hour => new PeriodKey(date, local.Hour, 0, local.Offset),
            Granularity.Day => new PeriodKey(date, 0, 0, TimeSpan.Zero),
            Granularity.Week => new PeriodKey(MondayOf(date), 0, 0, TimeSpan.Zero),
            _ => throw new ArgumentOutOfRangeException(nameof(granularity), granularity, null),
        };
    }

    private DateTimeOffset NominalStart(PeriodKey key, Granularity granularity) => granularity switch
    {
        Granularity.QuarterHour => new DateTimeOffset(key.Date.ToDateTime(new TimeOnly(key.Hour, key.Minute)), key.Offset),
        Granularity.Hour => HourStart(key),
        _ => ToLocal(FirstBucketOf(key.Date).Start),
    };

    /// <summary>
    /// The first instant of a local hour's occurrence: <c>HH:00</c> at its offset, unless a DST change of less than
    /// an hour (Pacific/Chatham 45 minutes, Australia/Lord_Howe 30) began the occurrence part-way through — then
    /// <c>HH:00</c> at the new offset is an instant of another hour, and the occurrence starts at the change
    /// (02:45+12:45, 01:30+10:30). So no two hours, and no two heatmap buckets, ever share a start.
    /// </summary>
    private DateTimeOffset HourStart(PeriodKey key)
    {
        var nominal = new DateTimeOffset(key.Date.ToDateTime(new TimeOnly(key.Hour, 0)), key.Offset);
        var bucket = TimeBucket.Of(nominal);
        for (var step = 0; step < 4; step++, bucket += 1)
        {
            var local = LocalStart(bucket);
            if (KeyOf(local, Granularity.Hour) == key)
            {
                return local;
            }
        }

        return nominal;
    }

    private readonly record struct PeriodKey(DateOnly Date, int Hour, int Minute, TimeSpan Offset);
}
