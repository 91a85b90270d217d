using HeatmapSaas.Api.Auth;
using HeatmapSaas.Catalog;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Api.Locations;

public static class LocationAddress
{
    /// <summary>
    /// The grain of a <c>{location}</c> segment. Ids go straight to the location grain (which refuses another
    /// tenant's caller); slugs, which can never contain an underscore, are resolved through the tenant's catalog.
    /// </summary>
    public static async Task<ILocationGrain> ResolveAsync(IGrainFactory grains, Caller caller, string idOrSlug) =>
        grains.GetGrain<ILocationGrain>(idOrSlug.StartsWith("loc_", StringComparison.Ordinal)
            ? idOrSlug
            : (await grains.GetGrain<ICatalogGrain>(caller.TenantId).GetLocationAsync(idOrSlug)).Id);

    public static ICatalogGrain CatalogOf(this IGrainFactory grains, Caller caller) => grains.GetGrain<ICatalogGrain>(caller.TenantId);
}
