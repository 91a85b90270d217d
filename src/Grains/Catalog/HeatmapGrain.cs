using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;

namespace HeatmapSaas.Grains.Catalog;

[GenerateSerializer]
public sealed class HeatmapGrainState
{
    [Id(0)] public Heatmap? Heatmap { get; set; }
}

public sealed class HeatmapGrain(
    [PersistentState("heatmap", StorageNames.Default)] IPersistentState<HeatmapGrainState> state)
    : Grain, IHeatmapGrain
{
    public async Task ConfigureAsync(Heatmap heatmap)
    {
        state.State.Heatmap = heatmap;
        await state.WriteStateAsync();
    }

    public async Task RetireAsync(long tenantId)
    {
        _ = Owned(tenantId);
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    private Heatmap Owned(long tenantId) =>
        state.State.Heatmap is { } heatmap && heatmap.TenantId == tenantId
            ? heatmap
            : throw ApiException.NotFound("Heatmap");
}
