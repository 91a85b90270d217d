using HeatmapSaas.Catalog;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Locations;
using HeatmapSaas.Tenants;
using HeatmapSaas.Tests.Cluster;

namespace HeatmapSaas.Tests.Heatmaps;

/// <summary>
/// A heatmap's data question asks its location for the summary while that location may be forwarding a batch to the
/// same heatmap: the two grains must not wait on each other.
/// </summary>
public sealed class HeatmapQueryDuringIngestTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Data_questions_and_ingest_into_the_same_location_all_complete()
    {
        var (tenant, _, location, heatmap) = await StoreWithHeatmapAsync("Busy");
        var store = fixture.Grains.GetGrain<ILocationGrain>(location.Id);
        var grain = fixture.Grains.GetGrain<IHeatmapGrain>(heatmap.Id);
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
                await grain.GetDataAsync(tenant, window, Granularity.Hour);
            }
        });
        await Task.WhenAll(ingest, questions);

        var data = await grain.GetDataAsync(tenant, window, Granularity.Hour);
        Assert.Equal(Batches, data.Points.Sum(p => (long)p.Count));
        Assert.Equal(Batches, data.Summary.TotalVisitors);
    }

    [Fact]
    public async Task Data_questions_and_changes_to_the_same_heatmap_all_complete()
    {
        // The catalog awaits the heatmap while applying a PATCH; the heatmap asks the catalog for the floor.
        var (tenant, catalog, _, heatmap) = await StoreWithHeatmapAsync("Edited");
        var grain = fixture.Grains.GetGrain<IHeatmapGrain>(heatmap.Id);
        var now = TimeBucket.Of(fixture.Clock.GetUtcNow()).Index;

        const int Rounds = 60;
        var edits = Task.Run(async () =>
        {
            for (var n = 0; n < Rounds; n++)
            {
                await catalog.UpdateHeatmapAsync(heatmap.Id, new HeatmapPatch(Name: $"h{n}"));
            }
        });
        var questions = Task.Run(async () =>
        {
            for (var q = 0; q < Rounds; q++)
            {
                await grain.GetDataAsync(tenant, new BucketWindow(now - 4, now + 1), Granularity.Hour);
            }
        });
        await Task.WhenAll(edits, questions);

        Assert.Equal($"h{Rounds - 1}", (await catalog.GetHeatmapAsync(heatmap.Id)).Name);
    }

    private async Task<(long Tenant, ICatalogGrain Catalog, Location Location, Heatmap Heatmap)> StoreWithHeatmapAsync(string name)
    {
        var tenant = (await fixture.Grains.GetGrain<ITenantRegistryGrain>(0).CreateTenantAsync(new NewTenant(name, Plan.Pro, "UTC"))).Tenant.Id;
        var catalog = fixture.Grains.GetGrain<ICatalogGrain>(tenant);
        var location = await catalog.CreateLocationAsync(new LocationDraft($"{name} Store", null, "retail", null, null, null, "UTC", null, null, null, null));
        return (tenant, catalog, location, await catalog.CreateHeatmapAsync(new HeatmapDraft("h", location.Id, HeatmapType.CustomerFlow, null, 3600, 10)));
    }
}
