using HeatmapSaas.Catalog;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Grains.Catalog;

[GenerateSerializer]
public sealed class CatalogPageState
{
    [Id(0)] public CatalogPage Page { get; set; } = CatalogPage.Empty;
}

/// <summary>A stored page of a tenant's catalog: nothing but its state (see <see cref="CatalogGrain"/>).</summary>
public sealed class CatalogPageGrain(
    [PersistentState("catalog-page", StorageNames.Default)] IPersistentState<CatalogPageState> state) : Grain, ICatalogPageGrain
{
    public Task<CatalogPage> ReadAsync() => Task.FromResult(state.State.Page);

    public async Task WriteAsync(CatalogPage page)
    {
        state.State.Page = page;
        await state.WriteStateAsync();
    }
}
