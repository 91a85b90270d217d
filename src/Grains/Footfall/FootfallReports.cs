using HeatmapSaas.Footfall;

namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// The report arithmetic of the traffic, analytics and heatmap-summary endpoints: 15-minute counts composed into
/// local hours, dates and weekdays of one zone. Plain code over a count source, so it is testable without grains.
/// </summary>
public sealed class FootfallReports(Func<TimeBucket, TimeBucket, BucketCounts> countsBetween, LocalCalendar calendar)
{
    private const int MaxPeakHours = 5;

    /// <summary>Seed 002's rows for one local date: periods in which the location had any track, zeros included.</summary>
    public TrafficRow[] Traffic(TrafficQuery query)
    {
        IReadOnlyList<LocalPeriod> periods = query.Interval switch
        {
            Granularity.QuarterHour => calendar.QuarterHours(query.Date),
            Granularity.Hour => calendar.Hours(query.Date),
            _ => [calendar.Day(query.Date)],
        };

        var rows = new List<TrafficRow>();
        foreach (var period in periods)
        {
            if (query.Hour is { } hour && period.Start.Hour != hour)
            {
                continue;
            }

            var counts = countsBetween(period.First, period.EndExclusive);
            if (counts.Visitors > 0)
            {
                rows.Add(new TrafficRow(period.Start, Metric(counts, query.Metric)));
            }
        }

        return rows.ToArray();
    }

    public LocationAnalytics Analytics(BucketWindow window)
    {
        var days = calendar.Split(new TimeBucket(window.FirstBucket), new TimeBucket(window.EndBucket), Granularity.Day)
            .Select(day => new AnalyticsDay(day.Date, Figures(day.First, day.EndExclusive)))
            .ToArray();
        return new LocationAnalytics(Figures(new TimeBucket(window.FirstBucket), new TimeBucket(window.EndBucket)), days);
    }

    private VisitFigures Figures(TimeBucket first, TimeBucket end)
    {
        var counts = countsBetween(first, end);
        return new VisitFigures(counts.Visitors, counts.DwellMs, counts.Conversions, PeakHours(VisitorsByHour(first, end)));
    }

    /// <summary>A heatmap's summary: visitors, the local hour and the weekday with most visitors (ties: earliest).</summary>
    public VisitorSummary Summary(BucketWindow window)
    {
        var first = new TimeBucket(window.FirstBucket);
        var end = new TimeBucket(window.EndBucket);
        var byHour = VisitorsByHour(first, end);
        var byWeekday = new long[7];
        foreach (var bucket in NonEmptyBuckets(first, end))
        {
            byWeekday[(int)calendar.LocalWeekday(bucket.Time)] += bucket.Visitors;
        }

        var total = byHour.Sum();
        if (total == 0)
        {
            return new VisitorSummary(0, null, null);
        }

        // Weeks start on Monday, so listing Monday first makes ties go to the earliest day (MaxBy keeps the first).
        var weekdays = Enumerable.Range(0, 7).Select(i => (DayOfWeek)((i + 1) % 7));
        return new VisitorSummary(total, ArgMax(byHour), weekdays.MaxBy(d => byWeekday[(int)d]));
    }

    private long[] VisitorsByHour(TimeBucket first, TimeBucket end)
    {
        var byHour = new long[24];
        foreach (var bucket in NonEmptyBuckets(first, end))
        {
            byHour[calendar.LocalHour(bucket.Time)] += bucket.Visitors;
        }

        return byHour;
    }

    private IEnumerable<(TimeBucket Time, long Visitors)> NonEmptyBuckets(TimeBucket first, TimeBucket end)
    {
        for (var b = first; b < end; b = b.Next)
        {
            var visitors = countsBetween(b, b.Next).Visitors;
            if (visitors > 0)
            {
                yield return (b, visitors);
            }
        }
    }

    /// <summary>Up to five hours with visitors, chosen by count (ties to the earlier hour), listed ascending.</summary>
    private static int[] PeakHours(long[] byHour) =>
        Enumerable.Range(0, 24).Where(h => byHour[h] > 0)
            .OrderByDescending(h => byHour[h]).ThenBy(h => h)
            .Take(MaxPeakHours).Order().ToArray();

    private static int ArgMax(long[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static long Metric(BucketCounts counts, TrafficMetric metric) => metric switch
    {
        TrafficMetric.Impressions => counts.Impressions,
        TrafficMetric.Discoveries => counts.Discoveries,
        TrafficMetric.Engagements => counts.Engagements,
        _ => counts.Interactions,
    };
}
