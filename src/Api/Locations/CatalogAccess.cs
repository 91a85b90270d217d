using HeatmapSaas.Api.Auth;
using HeatmapSaas.Catalog;

namespace HeatmapSaas.Api.Locations;

public static class CatalogAccess
{
    public static ICatalogGrain CatalogOf(this IGrainFactory grains, Caller caller) => grains.GetGrain<ICatalogGrain>(caller.TenantId);
}
