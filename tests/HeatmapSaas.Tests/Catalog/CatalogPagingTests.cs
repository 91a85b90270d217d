using HeatmapSaas.Catalog;
using HeatmapSaas.Grains.Catalog;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Locations;
using HeatmapSaas.Tenants;
using HeatmapSaas.Tests.Cluster;

namespace HeatmapSaas.Tests.Catalog;

/// <summary>A catalog stored over several pages answers the same, in creation order, after it is read back.</summary>
public sealed class CatalogPagingTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Locations_and_heatmaps_over_several_pages_come_back_in_creation_order_after_changes()
    {
        var tenant = (await fixture.Grains.GetGrain<ITenantRegistryGrain>(0).CreateTenantAsync(new NewTenant("Chain", Plan.Pro, "UTC"))).Tenant.Id;
        var catalog = fixture.Grains.GetGrain<ICatalogGrain>(tenant);
        var stores = CatalogGrain.PageSize + 30;
        var locations = new List<Location>();
        for (var i = 0; i < stores; i++)
        {
            locations.Add(await catalog.CreateLocationAsync(new LocationDraft($"Store {i}", null, "retail", null, null, null, "UTC", null, null, null, null)));
        }

        // Heatmaps created late, for stores on every page: their order is creation order, not page order.
        foreach (var i in new[] { stores - 1, 0, CatalogGrain.PageSize + 3, 1 })
        {
            await catalog.CreateHeatmapAsync(new HeatmapDraft($"Flow {i}", locations[i].Id, HeatmapType.CustomerFlow, null, 3600, 10));
        }

        await catalog.DeleteLocationAsync(locations[2].Slug);
        await catalog.UpdateLocationAsync(locations[CatalogGrain.PageSize + 1].Id, new LocationPatch(Slug: "renamed"));
        var before = await SnapshotAsync(catalog);

        await fixture.Cluster.DeactivateAsync(catalog);

        var after = await SnapshotAsync(catalog);
        Assert.Equal(before, after);
        Assert.Equal(stores - 1, (await catalog.CountAsync()).Locations);
        Assert.Equal(locations[CatalogGrain.PageSize + 1].Id, (await catalog.GetLocationAsync("renamed")).Id);
        await Assert.ThrowsAsync<HeatmapSaas.Errors.ApiException>(() => catalog.GetLocationAsync(locations[2].Slug));

        // New stores after the reload go on, in order, after the last.
        var next = await catalog.CreateLocationAsync(new LocationDraft("Store next", null, "retail", null, null, null, "UTC", null, null, null, null));
        Assert.Equal(next.Id, (await catalog.ListLocationsAsync(null, 1, stores - 1)).Items.Single().Location.Id);
    }

    private static async Task<string> SnapshotAsync(ICatalogGrain catalog)
    {
        var locations = new List<string>();
        for (var offset = 0; ; offset += 100)
        {
            var page = await catalog.ListLocationsAsync(null, 100, offset);
            locations.AddRange(page.Items.Select(i => $"{i.Location.Id}:{i.Location.Slug}:{i.HeatmapsCount}"));
            if (page.Items.Count < 100)
            {
                break;
            }
        }

        var heatmaps = (await catalog.ListHeatmapsAsync(null, 100, 0)).Items.Select(h => $"{h.Id}:{h.LocationId}:{h.Name}");
        return string.Join(' ', locations) + " | " + string.Join(' ', heatmaps);
    }
}
