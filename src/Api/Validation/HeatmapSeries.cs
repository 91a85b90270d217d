using HeatmapSaas.Errors;
using Microsoft.AspNetCore.Mvc;

namespace HeatmapSaas.Api.Validation;

/// <summary>
/// <c>GET /v1/heatmaps/{id}/data</c>'s period and <c>granularity</c> (hour, day or week; default hour), bound with
/// <c>[AsParameters]</c>. The granularity is checked first, as it always was.
/// </summary>
public sealed class HeatmapSeries
{
    public HeatmapSeries(string? startDate, string? endDate, string? granularityName)
    {
        Granularity = (granularityName ?? "hour") switch
        {
            "hour" => HeatmapSaas.Granularity.Hour,
            "day" => HeatmapSaas.Granularity.Day,
            "week" => HeatmapSaas.Granularity.Week,
            _ => throw ApiException.Invalid("granularity", "granularity must be one of hour, day, week"),
        };
        Period = new ReportPeriod(startDate, endDate);
        GranularityName = granularityName;
    }

    [FromQuery(Name = "start_date")]
    public string? StartDate => Period.StartDate;

    [FromQuery(Name = "end_date")]
    public string? EndDate => Period.EndDate;

    [FromQuery(Name = "granularity")]
    public string? GranularityName { get; }

    public ReportPeriod Period { get; }

    public Granularity Granularity { get; }
}
