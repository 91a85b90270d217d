using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HeatmapSaas.Api.Hosting.OpenApi;

/// <summary>Schemas as the API writes and reads them, where the generator's reflection says otherwise.</summary>
public static class SchemaDocs
{
    public static OpenApiOptions DescribeSchemas(this OpenApiOptions options) =>
        options.AddSchemaTransformer((schema, context, _) =>
        {
            // The web serializer defaults would read "12" as 12; the contract's numbers are JSON numbers.
            if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String)
                && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
            {
                schema.Type = type & ~JsonSchemaType.String;
                schema.Pattern = null;
            }

            // Instants go through the product's own converter (UTC, whole seconds), which hides their type.
            // A DateTimeOffset? (last_used_at, …) stays nullable, or generated clients fail reading null.
            if (schema.Type is null && schema.Format == "date-time")
            {
                var nullable = Nullable.GetUnderlyingType(context.JsonPropertyInfo?.PropertyType ?? context.JsonTypeInfo.Type) is not null;
                schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            }

            // Request bodies: every field is optional to the binder; each route's description says what it requires
            // (a PATCH takes any subset), and a missing one answers 400 naming it.
            if (context.JsonTypeInfo.Type.Name is var name && (name.EndsWith("Body", StringComparison.Ordinal) || name.EndsWith("Request", StringComparison.Ordinal)))
            {
                schema.Required?.Clear();
            }

            // GET /v1/locations answers this row without info=true too, then without these three fields.
            if (context.JsonTypeInfo.Type == typeof(Locations.LocationInfoListItemResponse))
            {
                schema.Description = "A location row; `brand`, `parent` and `children` only with `info=true`.";
                schema.Required?.ExceptWith(["brand", "parent", "children"]);
            }

            // The tracker accepts only the known landing events; anything else answers 400.
            if (context.JsonTypeInfo.Type == typeof(LandingPages.TrackBody) && schema.Properties is { } tracked)
            {
                tracked["event_type"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = [.. global::HeatmapSaas.LandingPages.LandingEventTypes.Names.Select(n => (System.Text.Json.Nodes.JsonNode)n)],
                };
            }

            // Create-tenant answers 400 without a name and a plan: a generated client must send both.
            if (context.JsonTypeInfo.Type == typeof(Tenants.CreateTenantRequest) && schema.Properties is { } properties)
            {
                schema.Required = new HashSet<string> { "name", "plan" };
                properties["name"] = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1 };
                properties["plan"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["free", "pro", "enterprise"] };
            }

            return Task.CompletedTask;
        });
}
