using HeatmapSaas.Api.Locations;
using HeatmapSaas.Heatmaps;

namespace HeatmapSaas.Api.Heatmaps;

public sealed record HeatmapBody(
    string? Name,
    string? LocationId,
    string? Type,
    string? Timezone,
    int? RefreshInterval,
    int? CellSize,
    string? Status);

public sealed record HeatmapResponse(
    string Id,
    string Name,
    string LocationId,
    HeatmapType Type,
    DateTimeOffset CreatedAt,
    string Status,
    string Timezone,
    int RefreshInterval,
    int CellSize)
{
    public static HeatmapResponse From(Heatmap h) =>
        new(h.Id, h.Name, h.LocationId, h.HeatmapType, h.CreatedAt, h.Status, h.TimeZone, h.RefreshIntervalSeconds, h.CellSize);
}

public sealed record HeatmapListResponse(IReadOnlyList<HeatmapResponse> Heatmaps, Pagination Pagination);

public sealed record HeatmapPointResponse(DateTimeOffset Timestamp, double X, double Y, double Intensity, decimal Count);

public sealed record GridResponse(int CellSize, int Width, int Height);

public sealed record SummaryResponse(long TotalVisitors, int? PeakHour, string? BusiestDay);

public sealed record HeatmapDataResponse(
    string HeatmapId,
    string Granularity,
    HeatmapSaas.Api.Footfall.ReportPeriodResponse Period,
    GridResponse Grid,
    IReadOnlyList<HeatmapPointResponse> DataPoints,
    SummaryResponse Summary);
