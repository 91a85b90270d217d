using HeatmapSaas.Tenants;

namespace HeatmapSaas.Api.Tenants;

public sealed record CreateTenantRequest(string? Name, string? Plan, string? Timezone);

public sealed record TenantResponse(long Id, string Name, Plan Plan, string Timezone, string ApiKey, DateTimeOffset CreatedAt)
{
    public static TenantResponse From(CreatedTenant created) => new(
        created.Tenant.Id, created.Tenant.Name, created.Tenant.Plan, created.Tenant.TimeZone, created.Key.Secret,
        created.Tenant.CreatedAt);
}

public sealed record CreateApiKeyRequest(string? Name, string? Scope);

public sealed record IssuedApiKeyResponse(string Id, string Name, KeyScope Scope, string ApiKey, DateTimeOffset CreatedAt)
{
    public static IssuedApiKeyResponse From(IssuedApiKey key) =>
        new(key.Key.Id, key.Key.Name, key.Key.Scope, key.Secret, key.Key.CreatedAt);
}

public sealed record ApiKeyResponse(
    string Id, string Name, KeyScope Scope, string Prefix, string Last4, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt)
{
    public static ApiKeyResponse From(ApiKeySummary key) =>
        new(key.Id, key.Name, key.Scope, key.Prefix, key.Last4, key.CreatedAt, key.LastUsedAt);
}

public sealed record ApiKeyListResponse(IReadOnlyList<ApiKeyResponse> ApiKeys);
