namespace HeatmapSaas.Tenants;

/// <summary>One tenant: profile, plan, API keys and the hourly request quota. Keyed by the tenant id.</summary>
public interface ITenantGrain : IGrainWithIntegerKey
{
    Task<CreatedTenant> CreateAsync(NewTenant tenant, string? presetKeySecret);

    /// <summary>The profile, or null when no tenant has this id.</summary>
    Task<TenantProfile?> GetAsync();

    Task<IssuedApiKey> CreateApiKeyAsync(string name, KeyScope scope);

    Task<IReadOnlyList<ApiKeySummary>> ListApiKeysAsync();

    Task RevokeApiKeyAsync(string keyId);

    /// <summary>Counts one request against the current UTC-hour window of the tenant's plan.</summary>
    Task<RequestAllowance> ConsumeRequestAsync();

    /// <summary>This month's usage and the live totals, rolled up from the tenant's locations.</summary>
    Task<TenantUsage> GetUsageAsync();

    /// <summary>Puts the tenant on a bought plan for a period; a purchase already applied changes nothing.</summary>
    Task<TenantProfile> ExtendPlanAsync(PlanPurchase purchase);
}

/// <summary>Hands out tenant ids and creates the Demo tenant on first start. A singleton (key 0).</summary>
public interface ITenantRegistryGrain : IGrainWithIntegerKey
{
    Task<CreatedTenant> CreateTenantAsync(NewTenant tenant);

    /// <summary>Creates the Demo tenant when there are no tenants yet; null when tenants already exist.</summary>
    Task<CreatedTenant?> EnsureDemoTenantAsync(string? presetKeySecret);
}

/// <summary>One API key, addressed by the SHA-256 of its secret so a lookup never needs the secret itself.</summary>
public interface IApiKeyGrain : IGrainWithStringKey
{
    Task RegisterAsync(KeyHolder holder);

    /// <summary>The holder, or null for an unknown or revoked key. Records the use.</summary>
    Task<KeyHolder?> ResolveAsync();

    Task<DateTimeOffset?> GetLastUsedAsync();

    Task RevokeAsync();
}
