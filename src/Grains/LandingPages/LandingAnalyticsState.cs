using HeatmapSaas.LandingPages;

namespace HeatmapSaas.Grains.LandingPages;

/// <summary>The persisted form of a <see cref="LandingLedger"/> (plain lists, so any storage serializer copes).</summary>
[GenerateSerializer]
public sealed class LandingAnalyticsState
{
    [Id(0)] public List<LandingDayState> Days { get; set; } = [];
    [Id(1)] public List<StoredLandingHit> Recent { get; set; } = [];
}

[GenerateSerializer]
public sealed class LandingDayState
{
    [Id(0)] public DateOnly Date { get; set; }

    /// <summary>The visitor keys while the day is recent; null once compacted.</summary>
    [Id(1)] public List<ulong>? Visitors { get; set; }

    [Id(2)] public int VisitorCount { get; set; }
    [Id(3)] public long[] Counts { get; set; } = [];
    [Id(4)] public double SecondsOnPage { get; set; }
    [Id(5)] public long TimeOnPageReports { get; set; }
    [Id(6)] public long Bots { get; set; }

    /// <summary>Page views by page, by referrer source and by <see cref="HeatmapSaas.LandingPages.DeviceClass"/>
    /// while the day is recent; null (and zeros) once compacted.</summary>
    [Id(7)] public Dictionary<string, long>? Pages { get; set; }
    [Id(8)] public long PagesOther { get; set; }
    [Id(9)] public Dictionary<string, long>? Sources { get; set; }
    [Id(10)] public long SourcesOther { get; set; }
    [Id(11)] public long[]? Devices { get; set; }
}

[GenerateSerializer]
public sealed class AnalyticsSaltState
{
    [Id(0)] public string? Salt { get; set; }
}
