using HeatmapSaas.Grains.Footfall;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>Local hours, days and weeks composed from 15-minute UTC buckets, DST and odd offsets included.</summary>
public class LocalCalendarTests
{
    private static readonly LocalCalendar NewYork = Zone("America/New_York");
    private static readonly LocalCalendar Berlin = Zone("Europe/Berlin");
    private static readonly LocalCalendar Kathmandu = Zone("Asia/Kathmandu");

    private static LocalCalendar Zone(string id)
    {
        Assert.True(LocalCalendar.TryFind(id, out var calendar), id);
        return calendar;
    }

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static TimeBucket BucketAt(string utc) => TimeBucket.Of(Utc(utc));

    private static string Rows(IEnumerable<LocalPeriod> periods) =>
        string.Join(" ", periods.Select(p => $"{p.Start:HH:mmzzz}x{p.BucketCount}"));

    [Fact]
    public void An_ordinary_day_has_24_hours_of_4_buckets_from_local_midnight()
    {
        var day = NewYork.Day(new DateOnly(2025, 1, 15));

        Assert.Equal(Utc("2025-01-15T05:00:00Z"), day.First.Start);
        Assert.Equal(96, day.BucketCount);
        Assert.Equal(Utc("2025-01-15T05:00:00Z"), NewYork.MidnightUtc(new DateOnly(2025, 1, 15)));
        var hours = NewYork.Hours(new DateOnly(2025, 1, 15));
        Assert.Equal(Enumerable.Range(0, 24), hours.Select(h => h.Start.Hour));
        Assert.All(hours, h => Assert.Equal(4, h.BucketCount));
    }

    [Fact]
    public void New_York_spring_forward_day_has_23_hours_and_no_2_am()
    {
        var date = new DateOnly(2024, 3, 10);
        var hours = NewYork.Hours(date);

        Assert.Equal(23, hours.Count);
        Assert.DoesNotContain(hours, h => h.Start.Hour == 2);
        Assert.Equal(TimeSpan.FromHours(-5), hours[1].Start.Offset);
        Assert.Equal(new DateTimeOffset(2024, 3, 10, 3, 0, 0, TimeSpan.FromHours(-4)), hours[2].Start);
        Assert.Equal(BucketAt("2024-03-10T07:00:00Z"), hours[2].First);
        Assert.Equal(Utc("2024-03-10T05:00:00Z"), NewYork.MidnightUtc(date));
        Assert.Equal(92, NewYork.Day(date).BucketCount);
        Assert.Equal(92, NewYork.QuarterHours(date).Count);
    }

    [Fact]
    public void New_York_fall_back_day_has_25_hours_with_1_am_twice_at_different_offsets()
    {
        var date = new DateOnly(2024, 11, 3);
        var hours = NewYork.Hours(date);

        Assert.Equal(25, hours.Count);
        var ones = hours.Where(h => h.Start.Hour == 1).ToArray();
        Assert.Equal(2, ones.Length);
        Assert.Equal(new DateTimeOffset(2024, 11, 3, 1, 0, 0, TimeSpan.FromHours(-4)), ones[0].Start);
        Assert.Equal(new DateTimeOffset(2024, 11, 3, 1, 0, 0, TimeSpan.FromHours(-5)), ones[1].Start);
        Assert.Equal(BucketAt("2024-11-03T05:00:00Z"), ones[0].First);
        Assert.Equal(BucketAt("2024-11-03T06:00:00Z"), ones[1].First);
        Assert.Equal(100, NewYork.Day(date).BucketCount);
        Assert.Equal(Utc("2024-11-03T04:00:00Z"), NewYork.MidnightUtc(date));
        Assert.Equal(Utc("2024-11-04T05:00:00Z"), NewYork.MidnightUtc(date.AddDays(1)));
    }

    [Fact]
    public void Berlin_skips_2_am_in_march_and_repeats_it_in_october()
    {
        var spring = Berlin.Hours(new DateOnly(2024, 3, 31));
        Assert.Equal(23, spring.Count);
        Assert.DoesNotContain(spring, h => h.Start.Hour == 2);
        Assert.Equal(Utc("2024-03-30T23:00:00Z"), Berlin.MidnightUtc(new DateOnly(2024, 3, 31)));

        var autumn = Berlin.Hours(new DateOnly(2024, 10, 27));
        Assert.Equal(25, autumn.Count);
        Assert.Equal(
            "00:00+02:00x4 01:00+02:00x4 02:00+02:00x4 02:00+01:00x4 03:00+01:00x4",
            Rows(autumn.Take(5)));
        Assert.Equal(Utc("2024-10-26T22:00:00Z"), Berlin.MidnightUtc(new DateOnly(2024, 10, 27)));
    }

    /// <summary>
    /// Pacific/Chatham shifts by 45 minutes (02:45 ↔ 03:45), Australia/Lord_Howe by 30 (01:30/02:00 ↔ 02:00/02:30): the
    /// hour that begins part-way through starts at the change, not at hh:00 of the new offset (an instant of another
    /// hour), so no two periods of any granularity share a start, and every period begins at its first bucket.
    /// </summary>
    [Theory]
    [InlineData("Pacific/Chatham", "2025-04-06", "02:00+13:45x4 03:00+13:45x3 02:45+12:45x1 03:00+12:45x4", 100)]
    [InlineData("Pacific/Chatham", "2025-09-28", "01:00+12:45x4 02:00+12:45x3 03:45+13:45x1 04:00+13:45x4", 92)]
    [InlineData("Australia/Lord_Howe", "2025-04-06", "00:00+11:00x4 01:00+11:00x4 01:30+10:30x2 02:00+10:30x4", 98)]
    [InlineData("Australia/Lord_Howe", "2025-10-05", "01:00+10:30x4 02:30+11:00x2 03:00+11:00x4", 94)]
    public void Hours_after_a_fractional_dst_shift_start_at_the_first_instant_of_their_occurrence(
        string zone, string date, string rowsAroundTheShift, int buckets)
    {
        var calendar = Zone(zone);
        var day = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture);
        var hours = calendar.Hours(day);
        Assert.Equal(buckets, hours.Sum(h => h.BucketCount));
        Assert.Contains(rowsAroundTheShift, Rows(hours));

        // From the previous local midnight to the next day's end, whole periods only: each starts at its first bucket.
        var from = calendar.FirstBucketOf(day.AddDays(-1));
        var to = calendar.Day(day.AddDays(1)).EndExclusive;
        foreach (var granularity in new[] { Granularity.QuarterHour, Granularity.Hour, Granularity.Day })
        {
            var periods = calendar.Split(from, to, granularity);
            Assert.All(periods, p => Assert.Equal(p.First.Start, p.Start.ToUniversalTime()));
            Assert.Equal(periods.Count, periods.Select(p => p.Start.UtcTicks).Distinct().Count());
        }

        var weeks = calendar.Split(from, to, Granularity.Week);
        Assert.Equal(weeks.Count, weeks.Select(w => w.Start.UtcTicks).Distinct().Count());
        Assert.All(weeks, w => Assert.Equal(calendar.MidnightUtc(LocalCalendar.MondayOf(w.Date)), w.Start.ToUniversalTime()));
    }

    [Fact]
    public void Kathmandu_hours_start_at_a_quarter_past_the_utc_hour_and_buckets_still_tile_them()
    {
        var date = new DateOnly(2025, 1, 1);
        Assert.Equal(Utc("2024-12-31T18:15:00Z"), Kathmandu.MidnightUtc(date));

        var hours = Kathmandu.Hours(date);
        Assert.Equal(24, hours.Count);
        Assert.All(hours, h => Assert.Equal(4, h.BucketCount));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 9, 0, 0, new TimeSpan(5, 45, 0)), hours[9].Start);
        Assert.Equal(BucketAt("2025-01-01T03:15:00Z"), hours[9].First);

        Assert.Equal(8, Kathmandu.LocalHour(BucketAt("2025-01-01T03:00:00Z")));  // 08:45 local
        Assert.Equal(9, Kathmandu.LocalHour(BucketAt("2025-01-01T03:15:00Z")));  // 09:00 local
        Assert.Equal(DayOfWeek.Tuesday, Kathmandu.LocalWeekday(BucketAt("2024-12-31T18:00:00Z")));
        Assert.Equal(DayOfWeek.Wednesday, Kathmandu.LocalWeekday(BucketAt("2024-12-31T18:15:00Z")));
        Assert.Equal(new DateOnly(2025, 1, 1), Kathmandu.LocalDate(BucketAt("2024-12-31T18:15:00Z")));
        Assert.Equal([0, 15, 30, 45], Kathmandu.QuarterHours(date).Take(4).Select(q => q.Start.Minute));
    }

    [Fact]
    public void Weeks_start_on_monday_at_local_midnight_and_shrink_with_dst()
    {
        // As the reports cut them: Split by week, whose rows carry the week's nominal start even when clipped.
        IReadOnlyList<LocalPeriod> WeeksOf(DateOnly from, DateOnly to) =>
            NewYork.Split(NewYork.FirstBucketOf(from), NewYork.FirstBucketOf(to), Granularity.Week);

        var wednesday = Assert.Single(WeeksOf(new DateOnly(2024, 3, 6), new DateOnly(2024, 3, 7)));
        Assert.Equal(new DateTimeOffset(2024, 3, 4, 0, 0, 0, TimeSpan.FromHours(-5)), wednesday.Start);
        var weeks = WeeksOf(new DateOnly(2024, 3, 4), new DateOnly(2024, 3, 18));
        Assert.Equal([7 * 96 - 4, 7 * 96], weeks.Select(w => w.BucketCount).ToArray());

        var sunday = Assert.Single(WeeksOf(new DateOnly(2024, 3, 17), new DateOnly(2024, 3, 18))); // Sunday belongs to the week before
        Assert.Equal(new DateOnly(2024, 3, 11), sunday.Date);
        Assert.Equal(new DateOnly(2024, 3, 11), LocalCalendar.MondayOf(new DateOnly(2024, 3, 11)));
    }

    [Fact]
    public void Splitting_a_window_into_days_clips_the_ends_but_labels_each_day_with_its_local_midnight()
    {
        var from = BucketAt("2024-03-09T17:00:00Z");   // Saturday 12:00 EST
        var to = BucketAt("2024-03-11T10:00:00Z");     // Monday 06:00 EDT

        var days = NewYork.Split(from, to, Granularity.Day);

        Assert.Equal("00:00-05:00x48 00:00-05:00x92 00:00-04:00x24", Rows(days));
        Assert.Equal([new DateOnly(2024, 3, 9), new DateOnly(2024, 3, 10), new DateOnly(2024, 3, 11)], days.Select(d => d.Date));
        Assert.Equal(to - from, days.Sum(d => d.BucketCount));

        var weeks = NewYork.Split(from, to, Granularity.Week);
        Assert.Equal([new DateOnly(2024, 3, 4), new DateOnly(2024, 3, 11)], weeks.Select(w => w.Date));

        var hours = NewYork.Split(BucketAt("2025-01-15T14:30:00Z"), BucketAt("2025-01-15T16:15:00Z"), Granularity.Hour);
        Assert.Equal("09:00-05:00x2 10:00-05:00x4 11:00-05:00x1", Rows(hours));
        Assert.Empty(NewYork.Split(from, from, Granularity.Hour));
    }

    [Fact]
    public void A_date_that_never_happened_locally_has_no_buckets()
    {
        var apia = Zone("Pacific/Apia"); // Samoa skipped 2011-12-30 to cross the date line
        Assert.Equal(0, apia.Day(new DateOnly(2011, 12, 30)).BucketCount);
        Assert.Equal(96, apia.Day(new DateOnly(2011, 12, 29)).BucketCount);
        Assert.Equal(96, apia.Day(new DateOnly(2011, 12, 31)).BucketCount);
    }

    [Fact]
    public void A_skipped_wall_clock_time_reads_forward_and_a_repeated_one_as_its_first_occurrence()
    {
        Assert.Equal(Utc("2024-03-10T07:30:00Z"), NewYork.ToInstant(new DateTime(2024, 3, 10, 2, 30, 0)));
        Assert.Equal(Utc("2024-11-03T05:30:00Z"), NewYork.ToInstant(new DateTime(2024, 11, 3, 1, 30, 0)));
        Assert.Equal(Utc("2025-01-15T14:00:00Z"), NewYork.ToInstant(new DateTime(2025, 1, 15, 9, 0, 0)));
        Assert.Equal(Utc("2025-01-01T03:15:00Z"), Kathmandu.ToInstant(new DateTime(2025, 1, 1, 9, 0, 0)));
    }

    [Fact]
    public void An_unknown_zone_is_not_found_and_reads_as_utc()
    {
        Assert.False(LocalCalendar.TryFind("Mars/Olympus_Mons", out _));
        Assert.Same(LocalCalendar.Utc, LocalCalendar.For("Mars/Olympus_Mons"));
        Assert.Equal("America/New_York", LocalCalendar.For("America/New_York").Zone.Id);
    }

    [Fact]
    public void Every_day_of_a_few_years_tiles_the_timeline_without_gaps_or_overlaps()
    {
        foreach (var calendar in new[] { NewYork, Berlin, Kathmandu, Zone("Australia/Lord_Howe"), LocalCalendar.Utc })
        {
            var date = new DateOnly(2023, 1, 1);
            var expectedFirst = calendar.Day(date).First;
            for (var i = 0; i < 3 * 366; i++, date = date.AddDays(1))
            {
                var day = calendar.Day(date);
                Assert.Equal(expectedFirst, day.First);
                Assert.InRange(day.BucketCount, 92, 100);
                Assert.Equal(day.BucketCount, calendar.Hours(date).Sum(h => h.BucketCount));
                expectedFirst = day.EndExclusive;
            }
        }
    }
}

public class TimeBucketTests
{
    [Fact]
    public void A_bucket_is_a_quarter_hour_of_unix_time_floored()
    {
        var instant = new DateTimeOffset(2025, 12, 25, 12, 14, 59, 999, TimeSpan.Zero);
        var bucket = TimeBucket.Of(instant);

        Assert.Equal(new DateTimeOffset(2025, 12, 25, 12, 0, 0, TimeSpan.Zero), bucket.Start);
        Assert.Equal(new DateTimeOffset(2025, 12, 25, 12, 15, 0, TimeSpan.Zero), bucket.Next.Start);
        Assert.Equal(instant.ToUnixTimeSeconds() / 900, bucket.Index);
        Assert.Equal(new TimeBucket(-1), TimeBucket.OfMs(-1));
        Assert.Equal(new TimeBucket(0), TimeBucket.OfMs(0));
        Assert.Equal(4, (bucket + 4) - bucket);
        Assert.True(bucket < bucket.Next);
    }
}
