using HeatmapSaas.Tenants;

namespace HeatmapSaas.Grains.Tenants;

[GenerateSerializer]
public sealed class TenantState
{
    [Id(0)] public TenantProfile? Profile { get; set; }
    [Id(1)] public List<StoredApiKey> Keys { get; set; } = [];

    /// <summary>The latest payments applied to the plan, so a repeated purchase call extends nothing twice.</summary>
    [Id(2)] public List<string> AppliedPayments { get; set; } = [];
}

/// <summary>A key as the tenant keeps it: the summary and the hash that addresses its key grain.</summary>
[GenerateSerializer, Immutable]
public sealed record StoredApiKey([property: Id(0)] ApiKeySummary Summary, [property: Id(1)] string Hash);
