using Orleans.Concurrency;

namespace HeatmapSaas.Catalog;

/// <summary>
/// A tenant's locations and heatmaps: their configuration, slugs and relations. Keyed by tenant id, so a tenant
/// can only ever reach its own entries; the live data lives in the location and heatmap grains.
/// </summary>
public interface ICatalogGrain : IGrainWithIntegerKey
{
    Task<Location> CreateLocationAsync(LocationDraft draft);
    /// <summary>A heatmap grain asks for its location's floor while answering, and this grain may be awaiting that
    /// same heatmap (a PATCH or DELETE being applied): interleaving keeps the two from waiting on each other. It only
    /// reads, between this grain's synchronous stretches.</summary>
    [AlwaysInterleave]
    Task<Location> GetLocationAsync(string idOrSlug);
    Task<Page<LocationListItem>> ListLocationsAsync(string? type, int limit, int offset);
    Task<Location> UpdateLocationAsync(string idOrSlug, LocationPatch patch);
    Task DeleteLocationAsync(string idOrSlug);

    Task<Heatmap> CreateHeatmapAsync(HeatmapDraft draft);
    Task<Heatmap> GetHeatmapAsync(string id);
    Task<Page<Heatmap>> ListHeatmapsAsync(string? locationIdOrSlug, int limit, int offset);
    Task<Heatmap> UpdateHeatmapAsync(string id, HeatmapPatch patch);
    Task DeleteHeatmapAsync(string id);

    /// <summary>Counts for usage: locations and heatmaps the tenant has.</summary>
    Task<(int Locations, int Heatmaps)> CountAsync();

    Task<string[]> GetLocationIdsAsync();
}
