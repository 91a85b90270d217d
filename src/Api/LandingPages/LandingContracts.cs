using System.Text.Json.Serialization;

namespace HeatmapSaas.Api.LandingPages;

/// <summary>The tracking body, for the OpenAPI description (the handler reads it itself, JSON or text/plain).</summary>
public sealed record TrackBody(long TenantId, string EventType, Dictionary<string, object?>? Metadata);

public sealed record TrackResponse(bool Success);

public sealed record LandingDashboardResponse(bool Success, LandingDashboardData Data);

public sealed record LandingDashboardData(
    int VisitorsToday,
    int VisitorsWeek,
    long WhatsappClicks,
    long CallClicks,
    long CurrencyToggles,
    long QrScans,
    long AvgTimeOnPage,
    [property: JsonPropertyName("last_7_days")] IReadOnlyList<LandingDayRow> Last7Days);

public sealed record LandingDayRow(string Date, int Visitors);

public sealed record LandingTodayResponse(bool Success, int VisitorsToday, long WhatsappClicks, long QrScans, long ProductsViewed);

/// <summary><c>GET /api/analytics/{tenantId}/breakdown</c>: page views of the last 7 local days by page, source and device.</summary>
public sealed record LandingBreakdownResponse(bool Success, LandingBreakdownData Data);

public sealed record LandingBreakdownData(LandingTopList Pages, LandingTopList Referrers, LandingDevices Devices);

/// <summary>The most viewed names, most first (ties by name), and the page views of all the others.</summary>
public sealed record LandingTopList(IReadOnlyList<LandingNamedCount> Top, long Other);

public sealed record LandingNamedCount(string Name, long Pageviews);

public sealed record LandingDevices(long Mobile, long Tablet, long Desktop);
