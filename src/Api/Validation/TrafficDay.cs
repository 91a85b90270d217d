using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Footfall;
using Microsoft.AspNetCore.Mvc;

namespace HeatmapSaas.Api.Validation;

/// <summary>
/// Seed 002's <c>{date}</c>, <c>interval</c> (hour, 15min or day; default hour) and <c>hour</c> (0 to 23, or all),
/// bound with <c>[AsParameters]</c> and checked in that order.
/// </summary>
public sealed class TrafficDay
{
    public TrafficDay(string date, string? hour, string? interval)
    {
        if (!Instants.TryParseDate(date, out var day))
        {
            throw ApiException.Invalid("date", "date must be yyyy-MM-dd");
        }

        if (!ReportWindow.InRange(day))
        {
            throw ApiException.OutOfRange("date", ReportWindow.OutOfRangeMessage("date"));
        }

        Step = (interval ?? "hour") switch
        {
            "hour" => Granularity.Hour,
            "15min" => Granularity.QuarterHour,
            "day" => Granularity.Day,
            _ => throw ApiException.Invalid("interval", "interval must be one of hour, 15min, day"),
        };
        OnlyHour = hour is null or "all" ? null : Validate.QueryInt(hour, "hour", 0, 0, 23);
        if (OnlyHour is not null && Step == Granularity.Day)
        {
            throw ApiException.Invalid("hour", "hour cannot be combined with interval=day");
        }

        (Date, Interval, Hour, Day) = (date, interval, hour, day);
    }

    [FromRoute(Name = "date")]
    public string Date { get; }

    [FromQuery(Name = "interval")]
    public string? Interval { get; }

    [FromQuery(Name = "hour")]
    public string? Hour { get; }

    public DateOnly Day { get; }

    public Granularity Step { get; }

    /// <summary>The one local hour asked for, or null for all.</summary>
    public int? OnlyHour { get; }
}
