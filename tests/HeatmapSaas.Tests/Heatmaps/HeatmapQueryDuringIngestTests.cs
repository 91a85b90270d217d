using HeatmapSaas.Catalog;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Locations;
using HeatmapSaas.Tenants;
using HeatmapSaas.Tests.Cluster;

namespace HeatmapSaas.Tests.Heatmaps;

/// <summary>
/// A heatmap's view is filled by its location while that location keeps applying batches: every batch must count
/// once, whether it reached the heatmap as part of the snapshot or as a delta after it.
/// </summary>
public sealed class HeatmapQueryDuringIngestTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Views_refilled_while_batches_arrive_count_each_batch_once()
    {
        var (tenant, _, location, heatmap) = await StoreWithHeatmapAsync("Busy");
        var store = fixture.Grains.GetGrain<ILocationGrain>(location.Id);
        var ts = fixture.Clock.GetUtcNow().AddMinutes(-30).ToUnixTimeMilliseconds();
        var window = new BucketWindow(TimeBucket.OfMs(ts).Index - 4, TimeBucket.OfMs(ts).Index + 8);

        const int Batches = 60;
        var ingest = Task.Run(async () =>
        {
            for (var b = 0; b < Batches; b++)
            {
                await store.IngestAsync(tenant, new SensorBatch($"busy-{b}", null,
                    [new SensorReading(0, ReadingKind.Position, $"t{b}", ts + b * 1_000, 15 + b, 15, 0, null)], []));
            }
        });
        var questions = Task.Run(async () =>
        {
            for (var q = 0; q < Batches; q++)
            {
                // Every other question finds an empty view, so fills race the batches.
                if (q % 2 == 0)
                {
                    await fixture.Cluster.DeactivateAsync(fixture.Grains.GetGrain<IHeatmapGrain>(heatmap.Id));
                }

                await fixture.Grains.GetHeatmapDataAsync(tenant, heatmap, window, Granularity.Hour);
            }
        });
        await Task.WhenAll(ingest, questions);

        var data = await fixture.Grains.GetHeatmapDataAsync(tenant, heatmap, window, Granularity.Hour);
        Assert.Equal(Batches, data.Points.Sum(p => (long)p.Count));
        Assert.Equal(Batches, data.Summary.TotalVisitors);
    }

    [Fact]
    public async Task A_new_floor_reaches_the_heatmaps_grid_size()
    {
        var (tenant, catalog, location, heatmap) = await StoreWithHeatmapAsync("Refloored");
        var now = TimeBucket.Of(fixture.Clock.GetUtcNow()).Index;
        var window = new BucketWindow(now - 4, now + 1);
        var before = await fixture.Grains.GetHeatmapDataAsync(tenant, heatmap, window, Granularity.Hour);
        Assert.Equal((100, 100), (before.GridWidth, before.GridHeight));

        await catalog.UpdateLocationAsync(location.Id, new LocationPatch(FloorPlan: new FloorPlan(2000, 500)));
        var stored = await catalog.GetHeatmapAsync(heatmap.Id);
        var after = await fixture.Grains.GetHeatmapDataAsync(tenant, stored, window, Granularity.Hour);
        Assert.Equal((200, 50), (after.GridWidth, after.GridHeight));
    }

    private async Task<(long Tenant, ICatalogGrain Catalog, Location Location, Heatmap Heatmap)> StoreWithHeatmapAsync(string name)
    {
        var tenant = (await fixture.Grains.GetGrain<ITenantRegistryGrain>(0).CreateTenantAsync(new NewTenant(name, Plan.Pro, "UTC"))).Tenant.Id;
        var catalog = fixture.Grains.GetGrain<ICatalogGrain>(tenant);
        var location = await catalog.CreateLocationAsync(new LocationDraft($"{name} Store", null, "retail", null, null, null, "UTC", null, null, null, null));
        return (tenant, catalog, location, await catalog.CreateHeatmapAsync(new HeatmapDraft("h", location.Id, HeatmapType.CustomerFlow, null, 3600, 10)));
    }
}
