using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Validation;
using HeatmapSaas.Errors;
using HeatmapSaas.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeatmapSaas.Api.Tenants;

/// <summary>Tenants (admin) and their API keys.</summary>
public static class TenantEndpoints
{
    private static readonly string[] Plans = ["free", "pro", "enterprise"];
    private static readonly string[] Scopes = ["full", "read", "ingest"];

    public static IEndpointRouteBuilder MapTenantEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/tenants", CreateTenant).RequireApiKey(Access.Admin).WithTags("Tenants");

        var keys = routes.MapGroup("/v1/api-keys").RequireApiKey().WithTags("API keys");
        keys.MapPost("/", CreateKey);
        keys.MapGet("/", ListKeys);
        keys.MapDelete("/{id}", RevokeKey);
        return routes;
    }

    private static async Task<Created<TenantResponse>> CreateTenant(CreateTenantRequest? body, IGrainFactory grains)
    {
        var name = Validate.RequiredText(body?.Name, "name");
        var plan = Validate.OneOf(body?.Plan ?? throw ApiException.Required("plan"), "plan", Plans)!;
        var timezone = Validate.TimeZone(body.Timezone) ?? "UTC";
        var created = await grains.GetGrain<ITenantRegistryGrain>(0)
            .CreateTenantAsync(new NewTenant(name, Enum.Parse<Plan>(plan, ignoreCase: true), timezone));
        return TypedResults.Created($"/v1/tenants/{created.Tenant.Id}", TenantResponse.From(created));
    }

    private static async Task<Created<IssuedApiKeyResponse>> CreateKey(CreateApiKeyRequest? body, Caller caller, IGrainFactory grains)
    {
        var name = Validate.RequiredText(body?.Name, "name");
        var scope = Validate.OneOf(body!.Scope ?? "full", "scope", Scopes)!;
        var key = await grains.GetGrain<ITenantGrain>(caller.TenantId)
            .CreateApiKeyAsync(name, Enum.Parse<KeyScope>(scope, ignoreCase: true));
        return TypedResults.Created($"/v1/api-keys/{key.Key.Id}", IssuedApiKeyResponse.From(key));
    }

    private static async Task<Ok<ApiKeyListResponse>> ListKeys(Caller caller, IGrainFactory grains)
    {
        var keys = await grains.GetGrain<ITenantGrain>(caller.TenantId).ListApiKeysAsync();
        return TypedResults.Ok(new ApiKeyListResponse(keys.Select(ApiKeyResponse.From).ToList()));
    }

    private static async Task<NoContent> RevokeKey(string id, Caller caller, IGrainFactory grains, ApiKeyCache keys)
    {
        await grains.GetGrain<ITenantGrain>(caller.TenantId).RevokeApiKeyAsync(id);
        keys.Forget(id);
        return TypedResults.NoContent();
    }
}
