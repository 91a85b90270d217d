using System.Text.Json.Nodes;
using HeatmapSaas.Api.Validation;
using Microsoft.OpenApi;

namespace HeatmapSaas.Api.Hosting.OpenApi;

/// <summary>
/// The parameters' real types and rules. Handlers bind most query values as strings so that a bad value answers
/// in the error envelope (naming the parameter) rather than the framework's bare 400; the document still tells
/// clients the type, range or choices the handler checks.
/// </summary>
public static class ParameterDocs
{
    private sealed record Rule(Func<OpenApiSchema> Schema, string Description, bool Required = false);

    private static readonly Dictionary<string, Rule> ByName = new()
    {
        ["limit"] = new(() => Integer(1, 100, 20), "Page size, 1 to 100."),
        ["offset"] = new(() => Integer(0, null, 0), "Rows to skip."),
        ["start_date"] = new(Date, "First day of the period (ISO 8601 date, in the zone of what is reported on).", Required: true),
        ["end_date"] = new(Date, "Last day of the period, inclusive (ISO 8601 date).", Required: true),
        ["granularity"] = new(() => Choice("hour", "hour", "day", "week"), "Bucket size of the data points."),
        ["interval"] = new(() => Choice("hour", "hour", "15min", "day"), "Row period: per hour, per quarter hour or the whole day."),
        ["hour"] = new(() => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^(all|[0-9]|1[0-9]|2[0-3])$", Default = "all" },
            "Only this local hour (0 to 23), or `all`; not with `interval=day`."),
        ["metrics"] = new(() => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^(visitors|duration|conversion)(,(visitors|duration|conversion))*$", Default = "visitors,duration,conversion" },
            "Comma-separated list of visitors, duration, conversion."),
        ["type"] = new(() => Choice(null, CatalogValidation.LocationTypes), "Only locations of this type."),
        ["info"] = new(() => new OpenApiSchema { Type = JsonSchemaType.Boolean, Default = false },
            "Add `brand`, `parent` and `children` to every row."),
        ["location_id"] = new(Text, "Only heatmaps of this location (id or slug)."),
        ["kind"] = new(() => Choice(null, "impression-counts", "discovery-counts", "engagement-counts", "engadgment-counts", "interaction-counts"),
            "The traffic metric (`engadgment-counts` is seed 002's spelling of `engagement-counts`)."),
        ["date"] = new(Date, "The local date (yyyy-MM-dd) in the location's zone."),
        ["location"] = new(Text, "The location's id (`loc_…`) or slug."),
        ["id"] = new(Text, "The resource's id."),
        ["intent_id"] = new(() => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^pi_", MaxLength = 64 }, "The payment intent's id (`pi_…`)."),
        ["tenantId"] = new(() => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" }, "The tenant's id; only the key's own tenant answers."),
        ["batch_id"] = new(GatewayText, "NDJSON only: the batch's id, unique per location (the JSON form carries it in the body)."),
        ["gateway_id"] = new(GatewayText, "NDJSON only: the sending gateway's id (the JSON form carries it in the body)."),
    };

    public static void Apply(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Name is { } name && ByName.TryGetValue(name, out var rule))
            {
                parameter.Schema = rule.Schema();
                parameter.Description ??= rule.Description;
                parameter.Required = parameter.In == ParameterLocation.Path || rule.Required;
            }
        }
    }

    private static OpenApiSchema Integer(int minimum, int? maximum, int fallback) => new()
    {
        Type = JsonSchemaType.Integer, Format = "int32", Minimum = minimum.ToString(), Maximum = maximum?.ToString(), Default = fallback,
    };

    private static OpenApiSchema Choice(string? fallback, params string[] values) => new()
    {
        Type = JsonSchemaType.String, Enum = values.Select(v => (JsonNode)v).ToList(), Default = fallback,
    };

    private static OpenApiSchema Date() => new() { Type = JsonSchemaType.String, Format = "date" };

    private static OpenApiSchema Text() => new() { Type = JsonSchemaType.String };

    private static OpenApiSchema GatewayText() => new() { Type = JsonSchemaType.String, MaxLength = 128, Pattern = "^[A-Za-z0-9._:-]+$" };
}
