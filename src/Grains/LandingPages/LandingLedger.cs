using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HeatmapSaas.LandingPages;

namespace HeatmapSaas.Grains.LandingPages;

/// <summary>
/// A tenant's landing-page figures by local day: unique visitors (as 64-bit prefixes of their salted hashes),
/// counters per event type, reported time on page, and a bounded log of the latest events.
/// Memory is bounded: a day's visitor set is kept only while the day is among the last
/// <see cref="DaysWithVisitorSets"/> (the 7-day window needs 7; one spare), then compacted to its count; days older
/// than <see cref="DaysKept"/> are dropped; the event log keeps the latest <see cref="RecentCapacity"/>.
/// </summary>
public sealed class LandingLedger
{
    public const int DaysWithVisitorSets = 8;
    public const int DaysKept = 400;
    public const int RecentCapacity = 100;
    public const int WindowDays = 7;

    private readonly SortedDictionary<DateOnly, LandingDay> _days = [];
    private readonly Queue<StoredLandingHit> _recent = new();

    public IReadOnlyCollection<LandingDay> Days => _days.Values;

    public IReadOnlyCollection<StoredLandingHit> Recent => _recent;

    public void Record(DateOnly day, DateTimeOffset receivedAt, LandingHit hit)
    {
        var entry = Day(day);
        entry.AddVisitor(VisitorKey(hit.VisitorHash));
        entry.Counts[(int)hit.Type]++;
        if (hit.Type == LandingEventType.Pageview)
        {
            entry.CountPageview(hit);
        }

        if (hit.Type == LandingEventType.TimeOnPage && hit.Seconds is { } seconds)
        {
            entry.SecondsOnPage += seconds;
            entry.TimeOnPageReports++;
        }

        _recent.Enqueue(new StoredLandingHit(receivedAt, hit.Type, hit.VisitorHash, hit.UserAgent, hit.Referrer, hit.MetadataJson));
        while (_recent.Count > RecentCapacity)
        {
            _recent.Dequeue();
        }
    }

    public void RecordBot(DateOnly day) => Day(day).Bots++;

    /// <summary>Drops the visitor sets of days before the last <see cref="DaysWithVisitorSets"/> ending
    /// <paramref name="today"/> (keeping their counts) and forgets days before the last <see cref="DaysKept"/>.</summary>
    public void Compact(DateOnly today)
    {
        var oldestWithSet = today.AddDays(-(DaysWithVisitorSets - 1));
        var oldestKept = today.AddDays(-(DaysKept - 1));
        List<DateOnly>? expired = null;
        foreach (var (date, day) in _days)
        {
            if (date < oldestKept)
            {
                (expired ??= []).Add(date);
            }
            else if (date < oldestWithSet)
            {
                day.DropVisitorSet();
                day.DropBreakdown();
            }
            else
            {
                break;
            }
        }

        foreach (var date in expired ?? [])
        {
            _days.Remove(date);
        }
    }

    /// <summary>The dashboard figures of <paramref name="today"/> and the 7 local days ending with it.</summary>
    public LandingSummary Summarize(DateOnly today)
    {
        var week = Enumerable.Range(0, WindowDays).Select(i => today.AddDays(i - (WindowDays - 1))).ToList();
        var days = week.Select(d => _days.GetValueOrDefault(d)).ToList();
        var present = days.OfType<LandingDay>().ToList();

        long Week(LandingEventType type) => present.Sum(d => d.Counts[(int)type]);
        long Today(LandingEventType type) => days[^1]?.Counts[(int)type] ?? 0;

        var reports = present.Sum(d => d.TimeOnPageReports);
        var average = reports == 0 ? 0 : (long)Math.Round(present.Sum(d => d.SecondsOnPage) / reports, MidpointRounding.AwayFromZero);

        return new LandingSummary(
            today,
            days[^1]?.VisitorCount ?? 0,
            DistinctVisitors(present),
            Week(LandingEventType.ClickWhatsapp),
            Week(LandingEventType.ClickCall),
            Week(LandingEventType.ClickToggleCurrency),
            Week(LandingEventType.QrScan),
            average,
            week.Select((date, i) => new DayVisitors(date, days[i]?.VisitorCount ?? 0)).ToList(),
            Today(LandingEventType.ClickWhatsapp),
            Today(LandingEventType.QrScan),
            Today(LandingEventType.ProductClick),
            days[^1]?.Bots ?? 0);
    }

    /// <summary>Top pages, sources and devices of the 7 local days ending <paramref name="today"/>.</summary>
    public LandingBreakdown Breakdown(DateOnly today)
    {
        var present = Enumerable.Range(0, WindowDays)
            .Select(i => _days.GetValueOrDefault(today.AddDays(-i)))
            .OfType<LandingDay>()
            .ToList();
        var pages = BoundedTally.Merge(present.Select(d => d.Pages), LandingBreakdown.Listed);
        var sources = BoundedTally.Merge(present.Select(d => d.Sources), LandingBreakdown.Listed);
        long Devices(DeviceClass device) => present.Sum(d => d.Devices[(int)device]);

        static List<NamedCount> Named(IReadOnlyList<(string Name, long Count)> top) => top.Select(t => new NamedCount(t.Name, t.Count)).ToList();
        return new LandingBreakdown(
            today, Named(pages.Top), pages.Other, Named(sources.Top), sources.Other,
            Devices(DeviceClass.Desktop), Devices(DeviceClass.Mobile), Devices(DeviceClass.Tablet));
    }

    /// <summary>
    /// The in-memory identity of a visitor: the first 64 bits of the hex hash. At a landing page's volumes
    /// (at most 144,000 events a day under the per-minute budget) a collision is practically impossible, and a
    /// set of these takes a fraction of the memory of the 45-character strings.
    /// </summary>
    public static ulong VisitorKey(string visitorHash) =>
        visitorHash.Length >= 16 && ulong.TryParse(visitorHash.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var key)
            ? key
            : BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(visitorHash)));

    public LandingAnalyticsState ToState() => new()
    {
        Days = _days.Values.Select(d => d.ToState()).ToList(),
        Recent = _recent.ToList(),
    };

    public static LandingLedger FromState(LandingAnalyticsState state)
    {
        var ledger = new LandingLedger();
        foreach (var day in state.Days)
        {
            ledger._days[day.Date] = LandingDay.FromState(day);
        }

        foreach (var hit in state.Recent.TakeLast(RecentCapacity))
        {
            ledger._recent.Enqueue(hit);
        }

        return ledger;
    }

    private static int DistinctVisitors(IReadOnlyList<LandingDay> days)
    {
        var union = new HashSet<ulong>();
        var compacted = 0;
        foreach (var day in days)
        {
            if (day.VisitorSet is { } set)
            {
                union.UnionWith(set);
            }
            else
            {
                // Only reachable if the window ever outgrew the kept sets: an upper bound beats nothing.
                compacted += day.VisitorCount;
            }
        }

        return union.Count + compacted;
    }

    private LandingDay Day(DateOnly date)
    {
        if (!_days.TryGetValue(date, out var day))
        {
            day = new LandingDay(date);
            _days[date] = day;
        }

        return day;
    }
}

/// <summary>One local day of a tenant's landing page.</summary>
public sealed class LandingDay(DateOnly date)
{
    private int _compactedVisitors;

    public DateOnly Date { get; } = date;

    /// <summary>The day's visitors while the day is recent; null once compacted to <see cref="VisitorCount"/>.</summary>
    public HashSet<ulong>? VisitorSet { get; private set; } = [];

    public int VisitorCount => VisitorSet?.Count ?? _compactedVisitors;

    /// <summary>Events per <see cref="LandingEventType"/>.</summary>
    public long[] Counts { get; private init; } = new long[LandingEventTypes.Count];

    public double SecondsOnPage { get; set; }

    public long TimeOnPageReports { get; set; }

    public long Bots { get; set; }

    /// <summary>Page views by page path, by referrer source, and by <see cref="DeviceClass"/>; emptied once the day
    /// leaves the recent days (only the 7-day window shows them).</summary>
    public BoundedTally Pages { get; private set; } = new();

    public BoundedTally Sources { get; private set; } = new();

    public long[] Devices { get; private set; } = new long[DeviceClassCount];

    private static int DeviceClassCount => Enum.GetValues<DeviceClass>().Length;

    public void CountPageview(LandingHit hit)
    {
        if (hit.Page is { } page)
        {
            Pages.Add(page);
        }

        if (hit.Source is { } source)
        {
            Sources.Add(source);
        }

        Devices[(int)hit.Device]++;
    }

    public void DropBreakdown()
    {
        Pages = new BoundedTally();
        Sources = new BoundedTally();
        Devices = new long[DeviceClassCount];
    }

    public void AddVisitor(ulong key)
    {
        if (VisitorSet is { } set)
        {
            set.Add(key);
        }
        else
        {
            // A late event for a compacted day (a clock set back): count it, at worst twice for one visitor.
            _compactedVisitors++;
        }
    }

    public void DropVisitorSet()
    {
        if (VisitorSet is { } set)
        {
            _compactedVisitors = set.Count;
            VisitorSet = null;
        }
    }

    public LandingDayState ToState() => new()
    {
        Date = Date,
        Visitors = VisitorSet?.ToList(),
        VisitorCount = VisitorCount,
        Counts = (long[])Counts.Clone(),
        SecondsOnPage = SecondsOnPage,
        TimeOnPageReports = TimeOnPageReports,
        Bots = Bots,
        Pages = Pages.Counts.Count == 0 ? null : Pages.ToState(),
        PagesOther = Pages.Other,
        Sources = Sources.Counts.Count == 0 ? null : Sources.ToState(),
        SourcesOther = Sources.Other,
        Devices = Devices.Any(d => d > 0) ? (long[])Devices.Clone() : null,
    };

    public static LandingDay FromState(LandingDayState state)
    {
        var counts = new long[LandingEventTypes.Count];
        state.Counts.AsSpan(0, Math.Min(state.Counts.Length, counts.Length)).CopyTo(counts);
        var day = new LandingDay(state.Date)
        {
            Counts = counts,
            SecondsOnPage = state.SecondsOnPage,
            TimeOnPageReports = state.TimeOnPageReports,
            Bots = state.Bots,
            Pages = BoundedTally.FromState(state.Pages, state.PagesOther),
            Sources = BoundedTally.FromState(state.Sources, state.SourcesOther),
        };
        state.Devices?.AsSpan(0, Math.Min(state.Devices.Length, day.Devices.Length)).CopyTo(day.Devices);
        if (state.Visitors is { } visitors)
        {
            day.VisitorSet = [.. visitors];
        }
        else
        {
            day.VisitorSet = null;
            day._compactedVisitors = state.VisitorCount;
        }

        return day;
    }
}
