using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Caching;
using HeatmapSaas.Catalog;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Api.Locations;

/// <summary>
/// The grain of a <c>{location}</c> segment. Ids go straight to the location grain (which refuses another tenant's
/// caller); slugs, which can never contain an underscore, are resolved through the tenant's catalog, and the answer
/// is kept for <c>Heatmap:Locations:SlugCache</c> (2 s), so a fleet posting by slug does not ask the catalog per
/// batch. A rename or delete through this process forgets the tenant's slugs at once; through another process, a
/// slug that was renamed away still reaches its old location here for at most that long.
/// </summary>
public sealed class LocationAddresses(IGrainFactory grains, IConfiguration config, TimeProvider clock)
{
    public const int MaxSlugs = 100_000;

    private readonly RecentAnswers<(long Tenant, string Slug), ILocationGrain> _slugs = new(
        async key => grains.GetGrain<ILocationGrain>((await grains.GetGrain<ICatalogGrain>(key.Tenant).GetLocationAsync(key.Slug)).Id),
        config.GetValue("Heatmap:Locations:SlugCache", TimeSpan.FromSeconds(2)), MaxSlugs, clock);

    public ValueTask<ILocationGrain> ResolveAsync(Caller caller, string idOrSlug) =>
        idOrSlug.StartsWith("loc_", StringComparison.Ordinal)
            ? ValueTask.FromResult(grains.GetGrain<ILocationGrain>(idOrSlug))
            // The catalog answers a slug it does not know with a 404, never with nothing.
            : _slugs.GetAsync((caller.TenantId, idOrSlug))!;

    /// <summary>A location of this tenant was renamed or deleted: its slugs are asked of the catalog again.</summary>
    public void Forget(long tenantId) => _slugs.Forget((key, _) => key.Tenant == tenantId);
}
