using HeatmapSaas.Tenants;

namespace HeatmapSaas.Grains.Tenants;

[GenerateSerializer]
public sealed class TenantRegistryState
{
    [Id(0)] public long LastTenantId { get; set; }
}

public sealed class TenantRegistryGrain(
    [PersistentState("tenant-registry", StorageNames.Default)] IPersistentState<TenantRegistryState> state)
    : Grain, ITenantRegistryGrain
{
    public const string DemoTenantName = "Demo";

    public Task<CreatedTenant> CreateTenantAsync(NewTenant tenant) => CreateAsync(tenant, null);

    public async Task<CreatedTenant?> EnsureDemoTenantAsync(string? presetKeySecret) =>
        state.State.LastTenantId == 0
            ? await CreateAsync(new NewTenant(DemoTenantName, Plan.Enterprise, "UTC"), presetKeySecret)
            : null;

    private async Task<CreatedTenant> CreateAsync(NewTenant tenant, string? presetKeySecret)
    {
        // The id is taken durably before the tenant exists, so a crash in between wastes an id, never reuses one.
        state.State.LastTenantId++;
        await state.WriteStateAsync();
        return await GrainFactory.GetGrain<ITenantGrain>(state.State.LastTenantId).CreateAsync(tenant, presetKeySecret);
    }
}
