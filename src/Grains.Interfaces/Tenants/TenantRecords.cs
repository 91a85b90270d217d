namespace HeatmapSaas.Tenants;

[GenerateSerializer, Immutable]
public sealed record TenantProfile(
    [property: Id(0)] long Id,
    [property: Id(1)] string Name,
    [property: Id(2)] Plan Plan,
    [property: Id(3)] string TimeZone,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? PlanExpiresAt);

/// <summary>A key as its owner may see it after creation: never the secret, only its recognisable ends.</summary>
[GenerateSerializer, Immutable]
public sealed record ApiKeySummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] KeyScope Scope,
    [property: Id(3)] string Prefix,
    [property: Id(4)] string Last4,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? LastUsedAt);

/// <summary>A freshly created key with its secret, the only time the secret is shown.</summary>
[GenerateSerializer, Immutable]
public sealed record IssuedApiKey(
    [property: Id(0)] ApiKeySummary Key,
    [property: Id(1)] string Secret);

/// <summary>Who a presented key belongs to.</summary>
[GenerateSerializer, Immutable]
public sealed record KeyHolder(
    [property: Id(0)] long TenantId,
    [property: Id(1)] string KeyId,
    [property: Id(2)] KeyScope Scope);

/// <summary>The answer of the request quota: whether this request may run and what the headers say.</summary>
[GenerateSerializer, Immutable]
public sealed record RequestAllowance(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] int? Limit,
    [property: Id(2)] int Remaining,
    [property: Id(3)] DateTimeOffset WindowEnd);

[GenerateSerializer, Immutable]
public sealed record NewTenant(
    [property: Id(0)] string Name,
    [property: Id(1)] Plan Plan,
    [property: Id(2)] string TimeZone);

/// <summary>The tenant with the key it was created with.</summary>
[GenerateSerializer, Immutable]
public sealed record CreatedTenant(
    [property: Id(0)] TenantProfile Tenant,
    [property: Id(1)] IssuedApiKey Key);

/// <summary>A paid period: which payment bought it, the plan and how long it lasts.</summary>
[GenerateSerializer, Immutable]
public sealed record PlanPurchase(
    [property: Id(0)] string PaymentId,
    [property: Id(1)] Plan Plan,
    [property: Id(2)] TimeSpan Period);
