using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Hosting;
using HeatmapSaas.Api.Locations;
using HeatmapSaas.Api.Validation;
using HeatmapSaas.Errors;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Footfall;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeatmapSaas.Api.Footfall;

/// <summary>Location analytics over a period (seed 000), plus the location's gateways.</summary>
public static class AnalyticsEndpoints
{
    private static readonly string[] Metrics = ["visitors", "duration", "conversion"];

    public static IEndpointRouteBuilder MapAnalyticsEndpoints(this IEndpointRouteBuilder routes)
    {
        var locations = routes.MapGroup("/v1/locations/{location}").RequireApiKey().WithTags("Analytics");
        locations.MapGet("/analytics", Get);
        locations.MapGet("/gateways", Gateways);
        return routes;
    }

    private static async Task<Results<Ok<Dictionary<string, object?>>, ContentHttpResult>> Get(
        string location, [AsParameters] ReportPeriod period, string? metrics, HttpRequest request, Caller caller, IGrainFactory grains)
    {
        var selected = (metrics ?? string.Join(',', Metrics)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (selected.Length == 0 || selected.FirstOrDefault(m => !Metrics.Contains(m)) is { } unknown && unknown.Length > 0)
        {
            throw ApiException.Invalid("metrics", $"metrics must be a comma-separated list of {string.Join(", ", Metrics)}");
        }

        var config = await grains.CatalogOf(caller).GetLocationAsync(location);
        var window = period.In(config.TimeZone);
        var report = await grains.GetGrain<HeatmapSaas.Locations.ILocationGrain>(config.Id).GetAnalyticsAsync(caller.TenantId, window.Buckets);

        var days = report.Days.Select(d => Shape(selected, d.Figures,
            new Dictionary<string, object?> { ["date"] = Instants.Date(d.Date) })).ToList();
        if (CsvExport.Wanted(request))
        {
            return CsvExport.From(days, days.FirstOrDefault()?.Keys.ToList() ?? ["date"]);
        }

        return TypedResults.Ok(new Dictionary<string, object?>
        {
            ["location_id"] = config.Id,
            ["period"] = new ReportPeriodResponse(window.Start, window.End),
            ["metrics"] = Shape(selected, report.Total, []),
            ["daily_breakdown"] = days,
        });
    }

    private static async Task<IResult> Gateways(string location, Caller caller, LocationAddresses addresses)
    {
        var grain = await addresses.ResolveAsync(caller, location);
        var gateways = await grain.GetGatewaysAsync(caller.TenantId);
        return TypedResults.Ok(gateways.Select(g => new GatewayResponse(g.GatewayId, g.LastSeen, g.Batches, g.Events)).ToList());
    }

    /// <summary>The keys each selected metric brings.</summary>
    private static Dictionary<string, object?> Shape(string[] selected, VisitFigures figures, Dictionary<string, object?> into)
    {
        if (selected.Contains("visitors"))
        {
            into["visitors"] = figures.Visitors;
            into["peak_hours"] = figures.PeakHours;
        }

        if (selected.Contains("duration"))
        {
            into["avg_duration_minutes"] = figures.AverageDurationMinutes;
        }

        if (selected.Contains("conversion"))
        {
            into["conversion_rate"] = figures.ConversionRate;
            into["conversions"] = figures.Conversions;
        }

        return into;
    }
}

public sealed record GatewayResponse(string GatewayId, DateTimeOffset LastSeen, long Batches, long Events);

public sealed record ReportPeriodResponse(DateTimeOffset Start, DateTimeOffset End);
