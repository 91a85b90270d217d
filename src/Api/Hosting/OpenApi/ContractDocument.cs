using System.Text.Json.Nodes;
using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Errors;
using HeatmapSaas.Api.Idempotency;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HeatmapSaas.Api.Hosting.OpenApi;

/// <summary>
/// Makes the generated OpenAPI document the contract: operation ids and wording (<see cref="OperationDocs"/>),
/// parameter rules (<see cref="ParameterDocs"/>), bodies the handlers read themselves (<see cref="BodyDocs"/>),
/// the error envelope on every failing status, and the API-key security schemes.
/// </summary>
public static partial class ContractDocument
{
    public const string ErrorSchema = "ErrorEnvelope";
    public const string BearerScheme = "bearerKey";
    public const string PlainKeyScheme = "plainKey";

    public static OpenApiOptions DescribeContract(this OpenApiOptions options)
    {
        options.AddDocumentTransformer(async (document, context, ct) =>
        {
            document.Info.Title = "HeatmapSaas API";
            document.Info.Version = "v1";
            document.Info.Description =
                "Real-time footfall analytics: locations, sensor ingest, heatmaps, traffic counts, analytics, payments, " +
                "webhooks and landing-page analytics. Every error answers in the envelope " +
                "`{\"error\":{\"code\",\"message\",\"details\":{\"parameter\",\"type\"}}}`. The SignalR hubs " +
                "(`/hubs/ingest`, `/hubs/live`) are described in docs/api.md.";
            document.Info.Contact = new OpenApiContact { Name = "HeatmapSaas operators", Url = new Uri("https://github.com/heatmapsaas") };
            // The server that answered, as the generator sets it, without the trailing slash clients would double.
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }

            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ErrorSchema] = await context.GetOrCreateSchemaAsync(typeof(ErrorEnvelope), null, ct);
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                [BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http, Scheme = "bearer",
                    Description = "`Authorization: Bearer YOUR_API_KEY` (seed 000).",
                },
                [PlainKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "Authorization",
                    Description = "`Authorization: YOUR_API_KEY`, the key alone (seed 002).",
                },
            };
        });

        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            var description = context.Description;
            var key = $"{description.HttpMethod} /{RouteConstraint().Replace(description.RelativePath?.TrimEnd('/') ?? "", "{$1}")}";
            if (!OperationDocs.ByRoute.TryGetValue(key, out var doc))
            {
                return;
            }

            operation.OperationId = doc.Id;
            operation.Summary = doc.Summary;
            operation.Description = doc.Description;
            ParameterDocs.Apply(operation);
            // Handlers take their body as nullable to answer a missing one in the envelope; the body is still expected.
            foreach (var content in operation.RequestBody?.Content?.Values ?? [])
            {
                if (content.Schema is OpenApiSchema { OneOf: [OpenApiSchema { Type: JsonSchemaType.Null }, var body] })
                {
                    content.Schema = body;
                }
            }

            await BodyDocs.ApplyAsync(operation, doc, context, ct);

            var metadata = description.ActionDescriptor.EndpointMetadata;
            var access = metadata.OfType<AccessRequirement>().LastOrDefault()?.Access;
            if (access is not null)
            {
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(PlainKeyScheme, context.Document)] = [] },
                ];
            }

            operation.Responses ??= new OpenApiResponses();
            foreach (var (status, why) in ErrorStatuses(operation, access, metadata.OfType<IdempotentEndpoint>().Any()))
            {
                operation.Responses.TryAdd(status, new OpenApiResponse
                {
                    Description = why,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchemaReference(ErrorSchema, context.Document) },
                    },
                });
            }
        });
        return options;
    }

    /// <summary>The failures an operation can answer, each in the error envelope.</summary>
    private static IEnumerable<(string Status, string Why)> ErrorStatuses(OpenApiOperation operation, Access? access, bool idempotent)
    {
        if (operation.Parameters is { Count: > 0 } || operation.RequestBody is not null)
        {
            yield return ("400", "A parameter or the body is invalid; `details` names it.");
        }

        if (access is not null)
        {
            yield return ("401", "The API key is missing or wrong.");
        }

        if (access is Access.TenantKey or Access.Ingest)
        {
            yield return ("403", "The key's scope does not allow this request.");
        }

        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true || access is Access.Admin)
        {
            yield return ("404", "No such resource for this tenant.");
        }

        if (idempotent)
        {
            yield return ("409", "The Idempotency-Key was used with another body, or its first request is still running.");
        }

        if (operation.RequestBody is not null)
        {
            yield return ("413", "The body is larger than the route accepts.");
            yield return ("415", "The Content-Type is not one the route accepts.");
        }

        if (access is Access.TenantKey or Access.Ingest || operation.OperationId == "trackLandingEvent")
        {
            yield return ("429", "Over the plan's request or event rate; `Retry-After` says when to retry.");
        }

        yield return ("500", "An unexpected fault; nothing was half-applied.");
        yield return ("503", "The cluster or database is briefly unavailable; `Retry-After` says when to retry.");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{(\w+):[^}]*\}")]
    private static partial System.Text.RegularExpressions.Regex RouteConstraint();
}
