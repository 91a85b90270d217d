using System.Text.Json.Serialization;

namespace HeatmapSaas.Api.Analytics;

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
