using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HeatmapSaas.Api.Hosting.OpenApi;

/// <summary>Request and response bodies the generator cannot see: handlers that read the body themselves (ingest,
/// floor plans), answers built as <c>IResult</c>, images, CSV, and the seeds' example requests.</summary>
public static class BodyDocs
{
    /// <summary>Seed requests, by operation id (seed 000's wording; the ingest batch from the contract).</summary>
    private static readonly Dictionary<string, string> Examples = new()
    {
        ["createHeatmap"] = """{"name":"Store A - Customer Flow","location_id":"loc_123456","type":"customer_flow","timezone":"America/Los_Angeles","refresh_interval":3600}""",
        ["createLocation"] = """{"name":"Store A - Main Branch","address":"1 Battery Street, San Francisco, CA 94111","latitude":37.7922,"longitude":-122.3942,"type":"retail","timezone":"America/Los_Angeles"}""",
        ["createPaymentIntent"] = """{"amount":9999,"currency":"USD","customer_id":"cust_123","plan_id":"plan_pro","description":"Pro Plan - Monthly Subscription"}""",
        ["confirmPayment"] = """{"payment_method_id":"pm_123456"}""",
        ["registerWebhook"] = """{"url":"https://your-domain.com/webhooks/heatmap","events":["heatmap.data_updated","payment.succeeded"],"active":true}""",
    };

    private const string IngestExample = """
        {"batch_id":"gw-17-000123","gateway_id":"gw-17","events":[
          {"type":"position","track_id":"t-1","ts":"2025-12-25T12:00:00.250Z","x":150.0,"y":200.0},
          {"type":"interaction","track_id":"t-1","ts":"2025-12-25T12:00:04Z","x":152,"y":201,"product_id":"sku-9"},
          {"type":"track_end","track_id":"t-1","ts":"2025-12-25T12:00:12Z"},
          {"type":"conversion","track_id":"t-1","ts":"2025-12-25T12:03:00Z","value":19.99}]}
        """;

    public static async Task ApplyAsync(OpenApiOperation operation, OperationDoc doc, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Responses ??= new OpenApiResponses();
        if (doc.Returns is { } returns)
        {
            Success(operation)["application/json"] = new OpenApiMediaType { Schema = await context.GetOrCreateSchemaAsync(returns, null, ct) };
        }

        if (doc.Csv)
        {
            Success(operation)["text/csv"] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The same rows as CSV (header row first), when the request sends `Accept: text/csv`." },
            };
        }

        if (Examples.TryGetValue(doc.Id, out var example) && operation.RequestBody?.Content?.TryGetValue("application/json", out var json) == true)
        {
            json.Example = JsonNode.Parse(example);
        }

        switch (doc.Id)
        {
            case "ingestEvents":
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "A batch of at most 10,000 events and 4 MiB.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = SensorBatchSchema(), Example = JsonNode.Parse(IngestExample) },
                        ["application/x-ndjson"] = new()
                        {
                            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "One event object per line; `batch_id` and `gateway_id` in the query." },
                        },
                    },
                };
                break;
            case "putFloorPlan":
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType> { ["image/png"] = Binary(), ["image/jpeg"] = Binary() },
                };
                operation.Responses.Remove("200");
                operation.Responses["204"] = new OpenApiResponse { Description = "Stored." };
                break;
            case "getFloorPlan":
                Replace(operation, "The floor plan as uploaded.", ("image/png", Binary()), ("image/jpeg", Binary()));
                break;
            case "getHeatmapImage":
                Replace(operation, "The heatmap as a PNG image.", ("image/png", Binary()));
                break;
            case "getTrackingSnippet":
                Replace(operation, "The tracking snippet (cacheable; `ETag`).", ("text/javascript", Text()));
                operation.Responses["304"] = new OpenApiResponse { Description = "Not modified since the `If-None-Match` ETag." };
                break;
        }
    }

    /// <summary>The content of the operation's success response, made when the generator left it empty.</summary>
    private static IDictionary<string, OpenApiMediaType> Success(OpenApiOperation operation)
    {
        var (status, found) = operation.Responses!.FirstOrDefault(r => r.Key.StartsWith('2'));
        if (found is not OpenApiResponse response)
        {
            response = new OpenApiResponse { Description = "OK" };
            operation.Responses![status ?? "200"] = response;
        }

        return response.Content ??= new Dictionary<string, OpenApiMediaType>();
    }

    private static void Replace(OpenApiOperation operation, string description, params (string MediaType, OpenApiMediaType Content)[] contents)
    {
        operation.Responses!["200"] = new OpenApiResponse
        {
            Description = description,
            Content = contents.ToDictionary(c => c.MediaType, c => c.Content),
        };
    }

    private static OpenApiMediaType Binary() => new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };

    private static OpenApiMediaType Text() => new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };

    private static OpenApiSchema SensorBatchSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "batch_id", "events" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["batch_id"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 128, Pattern = "^[A-Za-z0-9._:-]+$", Description = "Unique per location; a repeat answers the first receipt." },
            ["gateway_id"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 128, Pattern = "^[A-Za-z0-9._:-]+$" },
            ["events"] = new OpenApiSchema { Type = JsonSchemaType.Array, MinItems = 1, MaxItems = 10_000, Items = SensorEventSchema() },
        },
    };

    private static OpenApiSchema SensorEventSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "type", "ts" },
        Description = "`track_id` is required for all but conversion; `x`, `y` for position and interaction (within the floor plan).",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["position", "interaction", "track_end", "conversion"] },
            ["track_id"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["ts"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "ISO 8601 with `Z` or an offset." },
            ["x"] = new OpenApiSchema { Type = JsonSchemaType.Number },
            ["y"] = new OpenApiSchema { Type = JsonSchemaType.Number },
            ["product_id"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["value"] = new OpenApiSchema { Type = JsonSchemaType.Number, Description = "A conversion's value." },
        },
    };
}
