using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;

namespace HeatmapSaas.Grains.Catalog;

[GenerateSerializer]
public sealed class FloorPlanState
{
    [Id(0)] public FloorPlanImage? Image { get; set; }
}

public sealed class FloorPlanGrain(
    [PersistentState("floor-plan", StorageNames.Default)] IPersistentState<FloorPlanState> state)
    : Grain, IFloorPlanGrain
{
    public async Task PutAsync(long tenantId, FloorPlanImage image)
    {
        if (state.State.Image is { } current && current.TenantId != tenantId)
        {
            throw ApiException.NotFound("Location");
        }

        state.State.Image = image;
        await state.WriteStateAsync();
    }

    public Task<FloorPlanImage?> GetAsync(long tenantId) =>
        Task.FromResult(state.State.Image is { } image && image.TenantId == tenantId ? image : null);
}
