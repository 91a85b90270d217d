using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Footfall;
using Microsoft.AspNetCore.Mvc;

namespace HeatmapSaas.Api.Validation;

/// <summary>
/// A report's <c>start_date</c>/<c>end_date</c>, bound with <c>[AsParameters]</c>. Binding refuses a missing,
/// malformed or out-of-range bound; the window itself is read in the zone of what is reported on, once the endpoint
/// knows it (a date means local midnight there).
/// </summary>
public sealed class ReportPeriod
{
    public ReportPeriod(string? startDate, string? endDate)
    {
        if (!ReportWindow.TryCheckBounds(startDate, endDate, out var error))
        {
            throw Refusal(error!);
        }

        StartDate = startDate;
        EndDate = endDate;
    }

    [FromQuery(Name = ReportWindow.StartParameter)]
    public string? StartDate { get; }

    [FromQuery(Name = ReportWindow.EndParameter)]
    public string? EndDate { get; }

    /// <summary>The window in <paramref name="timeZone"/>; refuses a start after the end or a range over a year.</summary>
    public ReportWindow In(string timeZone) =>
        ReportWindow.TryParse(StartDate, EndDate, LocalCalendar.For(timeZone), out var window, out var error)
            ? window
            : throw Refusal(error!);

    private static ApiException Refusal(ReportWindowError error) =>
        new(ApiErrorCode.InvalidRequest, error.Message, error.Parameter, error.Type switch
        {
            "required" => ParameterProblem.Required,
            "out_of_range" => ParameterProblem.OutOfRange,
            _ => ParameterProblem.Invalid,
        });
}
