using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;

namespace HeatmapSaas.Grains.Catalog;

[GenerateSerializer]
public sealed class LocationGrainState
{
    [Id(0)] public Location? Location { get; set; }
    [Id(1)] public DateTimeOffset? LastEventAt { get; set; }
}

public sealed class LocationGrain(
    [PersistentState("location", StorageNames.Default)] IPersistentState<LocationGrainState> state)
    : Grain, ILocationGrain
{
    public async Task ConfigureAsync(Location location)
    {
        state.State.Location = location;
        await state.WriteStateAsync();
    }

    public async Task RetireAsync(long tenantId)
    {
        _ = Owned(tenantId);
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    public Task<DateTimeOffset?> GetLastUpdateAsync(long tenantId)
    {
        _ = Owned(tenantId);
        return Task.FromResult(state.State.LastEventAt);
    }

    /// <summary>The location, if it belongs to the caller's tenant; otherwise it does not exist for them.</summary>
    private Location Owned(long tenantId) =>
        state.State.Location is { } location && location.TenantId == tenantId
            ? location
            : throw ApiException.NotFound("Location");
}
