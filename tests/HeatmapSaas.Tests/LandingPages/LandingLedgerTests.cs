using HeatmapSaas.Grains.LandingPages;
using HeatmapSaas.LandingPages;

namespace HeatmapSaas.Tests.LandingPages;

/// <summary>The per-tenant ledger: windows, averages and the bounds on memory.</summary>
public sealed class LandingLedgerTests
{
    private static readonly DateOnly Today = new(2026, 3, 8);

    private static LandingHit Hit(LandingEventType type, int visitor, double? seconds = null) =>
        new(type, VisitorHasher(visitor), "UA", null, null, seconds, false);

    private static string VisitorHasher(int visitor) => HeatmapSaas.Api.LandingPages.VisitorHasher.Hash($"198.51.100.{visitor}", "salt");

    [Fact]
    public void Old_days_lose_their_visitor_sets_but_keep_their_counts()
    {
        var ledger = new LandingLedger();
        for (var ago = 0; ago < 12; ago++)
        {
            var day = Today.AddDays(-ago);
            for (var v = 0; v <= ago; v++)
            {
                ledger.Record(day, default, Hit(LandingEventType.Pageview, v));
            }
        }

        ledger.Compact(Today);

        foreach (var day in ledger.Days)
        {
            var ago = Today.DayNumber - day.Date.DayNumber;
            Assert.Equal(ago + 1, day.VisitorCount);
            Assert.Equal(ago + 1, day.Counts[(int)LandingEventType.Pageview]);
            Assert.Equal(ago < LandingLedger.DaysWithVisitorSets, day.VisitorSet is not null);
        }

        var summary = ledger.Summarize(Today);
        Assert.Equal([7, 6, 5, 4, 3, 2, 1], summary.Last7Days.Select(d => d.Visitors));
        Assert.Equal(7, summary.VisitorsWeek);

        // The compacted form survives a round trip through storage.
        var reloaded = LandingLedger.FromState(ledger.ToState());
        Assert.Equal(ledger.Days.Select(d => (d.Date, d.VisitorCount, d.VisitorSet is null)), reloaded.Days.Select(d => (d.Date, d.VisitorCount, d.VisitorSet is null)));
        Assert.Equal(summary.Last7Days, reloaded.Summarize(Today).Last7Days);
    }

    [Fact]
    public void Days_beyond_the_retention_are_dropped_and_the_event_log_is_bounded()
    {
        var ledger = new LandingLedger();
        ledger.Record(Today.AddDays(-LandingLedger.DaysKept), default, Hit(LandingEventType.Pageview, 1));
        ledger.Record(Today.AddDays(-(LandingLedger.DaysKept - 1)), default, Hit(LandingEventType.Pageview, 1));
        for (var i = 0; i < LandingLedger.RecentCapacity + 50; i++)
        {
            ledger.Record(Today, default, Hit(LandingEventType.ProductClick, i % 200));
        }

        ledger.Compact(Today);

        Assert.Equal(2, ledger.Days.Count);
        Assert.Equal(LandingLedger.RecentCapacity, ledger.Recent.Count);
    }

    [Fact]
    public void Week_figures_cover_the_seven_days_ending_today()
    {
        var ledger = new LandingLedger();
        ledger.Record(Today.AddDays(-7), default, Hit(LandingEventType.QrScan, 1));
        ledger.Record(Today.AddDays(-7), default, Hit(LandingEventType.TimeOnPage, 1, 1000));
        ledger.Record(Today.AddDays(-6), default, Hit(LandingEventType.QrScan, 2));
        ledger.Record(Today.AddDays(-6), default, Hit(LandingEventType.TimeOnPage, 2, 10));
        ledger.Record(Today, default, Hit(LandingEventType.QrScan, 2));
        ledger.Record(Today, default, Hit(LandingEventType.TimeOnPage, 3, 21));
        ledger.Record(Today.AddDays(1), default, Hit(LandingEventType.QrScan, 9));

        var summary = ledger.Summarize(Today);
        Assert.Equal(2, summary.QrScansWeek);
        Assert.Equal(1, summary.QrScansToday);
        Assert.Equal(2, summary.VisitorsWeek);
        Assert.Equal(16, summary.AvgTimeOnPageSeconds); // (10 + 21) / 2 = 15.5 → 16
        Assert.Equal(Today.AddDays(-6), summary.Last7Days[0].Date);
        Assert.Equal(Today, summary.Last7Days[^1].Date);
    }

    [Fact]
    public void The_budget_slides_over_the_last_minute()
    {
        var budget = new SlidingWindowBudget(3, TimeSpan.FromMinutes(1));
        var t0 = new DateTimeOffset(2026, 3, 8, 12, 0, 0, TimeSpan.Zero);
        Assert.True(budget.TryTake(t0, out _));
        Assert.True(budget.TryTake(t0.AddSeconds(20), out _));
        Assert.True(budget.TryTake(t0.AddSeconds(40), out _));
        Assert.False(budget.TryTake(t0.AddSeconds(50), out var wait));
        Assert.Equal(TimeSpan.FromSeconds(10), wait);
        Assert.True(budget.TryTake(t0.AddSeconds(60), out _));
        Assert.False(budget.TryTake(t0.AddSeconds(61), out wait));
        Assert.Equal(TimeSpan.FromSeconds(19), wait);
    }
}
