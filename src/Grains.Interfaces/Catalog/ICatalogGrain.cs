using HeatmapSaas.Heatmaps;
using HeatmapSaas.Locations;
using Orleans.Concurrency;

namespace HeatmapSaas.Catalog;

/// <summary>
/// A tenant's locations and heatmaps: their configuration, slugs and relations. Keyed by tenant id, so a tenant
/// can only ever reach its own entries; the live data lives in the location and heatmap grains.
/// </summary>
/// <remarks>
/// Reads interleave with everything: every request that names a store by slug resolves it here, and must not queue
/// behind a write waiting on storage. They run between a write's synchronous steps, so they see each change whole.
/// </remarks>
public interface ICatalogGrain : IGrainWithIntegerKey
{
    Task<Location> CreateLocationAsync(LocationDraft draft);
    [AlwaysInterleave]
    Task<Location> GetLocationAsync(string idOrSlug);
    [AlwaysInterleave]
    Task<Page<LocationListItem>> ListLocationsAsync(string? type, int limit, int offset);
    Task<Location> UpdateLocationAsync(string idOrSlug, LocationPatch patch);
    Task DeleteLocationAsync(string idOrSlug);

    Task<Heatmap> CreateHeatmapAsync(HeatmapDraft draft);
    [AlwaysInterleave]
    Task<Heatmap> GetHeatmapAsync(string id);
    [AlwaysInterleave]
    Task<Page<Heatmap>> ListHeatmapsAsync(string? locationIdOrSlug, int limit, int offset);
    Task<Heatmap> UpdateHeatmapAsync(string id, HeatmapPatch patch);
    Task DeleteHeatmapAsync(string id);

    /// <summary>Counts for usage: locations and heatmaps the tenant has.</summary>
    [AlwaysInterleave]
    Task<(int Locations, int Heatmaps)> CountAsync();

    [AlwaysInterleave]
    Task<string[]> GetLocationIdsAsync();
}
