using System.Collections.Concurrent;
using HeatmapSaas.Api.Auth;
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

    private readonly ConcurrentDictionary<(long Tenant, string Slug), (ILocationGrain Grain, DateTimeOffset Until)> _slugs = new();
    private readonly TimeSpan _freshness = config.GetValue("Heatmap:Locations:SlugCache", TimeSpan.FromSeconds(2));
    // Counts renames and deletes, so a lookup that raced one does not keep what it found.
    private long _changes;

    public ValueTask<ILocationGrain> ResolveAsync(Caller caller, string idOrSlug)
    {
        if (idOrSlug.StartsWith("loc_", StringComparison.Ordinal))
        {
            return ValueTask.FromResult(grains.GetGrain<ILocationGrain>(idOrSlug));
        }

        return _slugs.TryGetValue((caller.TenantId, idOrSlug), out var known) && clock.GetUtcNow() < known.Until
            ? ValueTask.FromResult(known.Grain)
            : new ValueTask<ILocationGrain>(LookUpAsync(caller.TenantId, idOrSlug));
    }

    /// <summary>A location of this tenant was renamed or deleted: its slugs are asked of the catalog again.</summary>
    public void Forget(long tenantId)
    {
        Interlocked.Increment(ref _changes);
        foreach (var key in _slugs.Keys)
        {
            if (key.Tenant == tenantId)
            {
                _slugs.TryRemove(key, out _);
            }
        }
    }

    private async Task<ILocationGrain> LookUpAsync(long tenantId, string slug)
    {
        var changes = Interlocked.Read(ref _changes);
        var until = clock.GetUtcNow() + _freshness;
        var grain = grains.GetGrain<ILocationGrain>((await grains.GetGrain<ICatalogGrain>(tenantId).GetLocationAsync(slug)).Id);
        if (_slugs.Count >= MaxSlugs)
        {
            _slugs.Clear();
        }

        _slugs[(tenantId, slug)] = (grain, until);
        if (Interlocked.Read(ref _changes) != changes)
        {
            _slugs.TryRemove((tenantId, slug), out _);
        }

        return grain;
    }
}

public static class CatalogAccess
{
    public static ICatalogGrain CatalogOf(this IGrainFactory grains, Caller caller) => grains.GetGrain<ICatalogGrain>(caller.TenantId);
}
