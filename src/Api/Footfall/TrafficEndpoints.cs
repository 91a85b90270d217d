using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Hosting;
using HeatmapSaas.Api.Locations;
using HeatmapSaas.Api.Validation;
using HeatmapSaas.Errors;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Footfall;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeatmapSaas.Api.Footfall;

/// <summary>Traffic counts per local hour, quarter or day of one date (seed 002).</summary>
public static class TrafficEndpoints
{
    private static readonly Dictionary<string, (TrafficMetric Metric, string Field)> Kinds = new()
    {
        ["impression-counts"] = (TrafficMetric.Impressions, "impressions"),
        ["discovery-counts"] = (TrafficMetric.Discoveries, "discoveries"),
        ["engagement-counts"] = (TrafficMetric.Engagements, "engagements"),
        ["engadgment-counts"] = (TrafficMetric.Engagements, "engagements"), // the seed's own spelling
        ["interaction-counts"] = (TrafficMetric.Interactions, "interactions"),
    };

    public static IEndpointRouteBuilder MapTrafficEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/traffic/{kind}/{location}/{date}", Get).RequireApiKey().WithTags("Traffic counts");
        return routes;
    }

    private static async Task<Results<Ok<List<IReadOnlyDictionary<string, object?>>>, ContentHttpResult>> Get(
        string kind, string location, [AsParameters] TrafficDay day, HttpRequest request, Caller caller, LocationAddresses addresses)
    {
        if (!Kinds.TryGetValue(kind, out var metric))
        {
            throw ApiException.Invalid("metric", $"Unknown traffic metric '{kind}'; use one of {string.Join(", ", Kinds.Keys)}");
        }

        var step = day.Step;
        var grain = await addresses.ResolveAsync(caller, location);
        var rows = await grain.GetTrafficAsync(caller.TenantId, new TrafficQuery(metric.Metric, day.Day, step, day.OnlyHour));
        var shaped = rows.Select(r => Shape(r, step, metric.Field)).ToList();
        if (CsvExport.Wanted(request))
        {
            return CsvExport.From(shaped, step switch
            {
                Granularity.Day => ["date", metric.Field],
                Granularity.Hour => ["hr", metric.Field, "start"],
                _ => ["hr", "min", metric.Field, "start"],
            });
        }

        return TypedResults.Ok(shaped);
    }

    /// <summary>Seed 002's row: <c>hr</c> (and <c>min</c>), the metric, and <c>start</c> with its offset; or <c>date</c> for days.</summary>
    private static IReadOnlyDictionary<string, object?> Shape(TrafficRow row, Granularity step, string field)
    {
        if (step == Granularity.Day)
        {
            return new Dictionary<string, object?>
            {
                ["date"] = Instants.Date(row.LocalStart),
                [field] = row.Count,
            };
        }

        var shaped = new Dictionary<string, object?> { ["hr"] = row.LocalStart.Hour };
        if (step == Granularity.QuarterHour)
        {
            shaped["min"] = row.LocalStart.Minute;
        }

        shaped[field] = row.Count;
        shaped["start"] = Instants.Local(row.LocalStart);
        return shaped;
    }
}
