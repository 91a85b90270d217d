using HeatmapSaas.Catalog;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Grains.Locations.History;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Locations;
using HeatmapSaas.Tenants;
using HeatmapSaas.Tests.Cluster;
using Microsoft.Extensions.DependencyInjection;

namespace HeatmapSaas.Tests.Locations;

public sealed class HistoryTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    // Slow: three days on the fake clock fire the silos' periodic timers once per period passed (about 15 s).
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Buckets_leave_grain_memory_and_queries_still_see_them()
    {
        var tenant = (await fixture.Grains.GetGrain<ITenantRegistryGrain>(0).CreateTenantAsync(new NewTenant("History", Plan.Pro, "UTC"))).Tenant.Id;
        var catalog = fixture.Grains.GetGrain<ICatalogGrain>(tenant);
        var location = await catalog.CreateLocationAsync(new LocationDraft("Old Store", null, "retail", null, null, null, "UTC", null, null, null, null));
        var heatmap = await catalog.CreateHeatmapAsync(new HeatmapDraft("h", location.Id, HeatmapType.CustomerFlow, null, 3600, 10));
        var grain = fixture.Grains.GetGrain<ILocationGrain>(location.Id);
        var ts = fixture.Clock.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds();
        await grain.IngestAsync(tenant, new SensorBatch("old-1", null,
        [
            new SensorReading(0, ReadingKind.Position, "a", ts, 15, 15, 0, null),
            new SensorReading(1, ReadingKind.Position, "a", ts + 12_000, 25, 15, 0, null),
            new SensorReading(2, ReadingKind.TrackEnd, "a", ts + 13_000, 0, 0, 0, null),
        ], []));

        var date = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(ts).UtcDateTime);
        var query = new TrafficQuery(TrafficMetric.Engagements, date, Granularity.Day, null);
        var before = await grain.GetTrafficAsync(tenant, query);
        Assert.Equal(1, Assert.Single(before).Count);

        // Three days later the bucket is past the live window: the location's ticker moves it to the history store.
        fixture.Clock.Advance(TimeSpan.FromDays(3));
        var stores = fixture.Cluster.Silos.Select(s => fixture.Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IHistoryStore>()).ToList();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await Task.WhenAll(stores.Select(h => h.ReadAsync(location.Id, new TimeBucket(0), new TimeBucket(long.MaxValue / 2), long.MaxValue)))).All(r => r.Count == 0))
        {
            await Task.Delay(50, deadline.Token);
        }

        var after = await grain.GetTrafficAsync(tenant, query);
        Assert.Equal(before, after);
        var window = new BucketWindow(TimeBucket.OfMs(ts).Index, TimeBucket.OfMs(ts).Index + 4);
        Assert.Equal(1, (await grain.GetAnalyticsAsync(tenant, window)).Total.Visitors);

        // A heatmap activated afterwards backfills from the history too.
        await fixture.Cluster.DeactivateAsync(fixture.Grains.GetGrain<IHeatmapGrain>(heatmap.Id));
        var data = await fixture.Grains.GetHeatmapDataAsync(tenant, heatmap, window, Granularity.Hour);
        Assert.Equal(2, data.Points.Length);
    }

    [Fact]
    public async Task Grids_leave_grain_memory_after_an_hour_while_counts_stay_and_late_samples_still_add()
    {
        var tenant = (await fixture.Grains.GetGrain<ITenantRegistryGrain>(0).CreateTenantAsync(new NewTenant("Grids", Plan.Pro, "UTC"))).Tenant.Id;
        var catalog = fixture.Grains.GetGrain<ICatalogGrain>(tenant);
        var location = await catalog.CreateLocationAsync(new LocationDraft("Grid Store", null, "retail", null, null, null, "UTC", null, null, null, null));
        var heatmap = await catalog.CreateHeatmapAsync(new HeatmapDraft("h", location.Id, HeatmapType.CustomerFlow, null, 3600, 10));
        var grain = fixture.Grains.GetGrain<ILocationGrain>(location.Id);
        // A minute into a bucket 40 minutes back: all of it in one bucket, younger than the grid window.
        var ts = TimeBucket.Of(fixture.Clock.GetUtcNow().AddMinutes(-40)).StartMs + 60_000;
        await grain.IngestAsync(tenant, new SensorBatch("grid-1", null,
        [
            new SensorReading(0, ReadingKind.Position, "a", ts, 15, 15, 0, null),
            new SensorReading(1, ReadingKind.Position, "a", ts + 12_000, 25, 15, 0, null),
            new SensorReading(2, ReadingKind.TrackEnd, "a", ts + 13_000, 0, 0, 0, null),
        ], []));
        var window = new BucketWindow(TimeBucket.OfMs(ts).Index - 4, TimeBucket.OfMs(ts).Index + 4);
        var heatmapGrain = fixture.Grains.GetGrain<IHeatmapGrain>(heatmap.Id);
        var before = await fixture.Grains.GetHeatmapDataAsync(tenant, heatmap, window, Granularity.Hour);
        Assert.Equal(2, before.Points.Length);

        // Two hours on, the grids are past the grid window: they move to the history store as a part with no
        // counts, and the bucket's counts stay live.
        fixture.Clock.Advance(TimeSpan.FromHours(2));
        var stores = fixture.Cluster.Silos.Select(s => fixture.Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IHistoryStore>()).ToList();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        IReadOnlyList<HistoricBucket> stored;
        while ((stored = (await Task.WhenAll(stores.Select(h => h.ReadAsync(location.Id, new TimeBucket(0), new TimeBucket(long.MaxValue / 2), long.MaxValue))))
                   .SelectMany(r => r).ToList()).Count == 0)
        {
            await Task.Delay(50, deadline.Token);
        }

        var part = Assert.Single(stored);
        Assert.Equal(BucketCounts.Zero, part.Counts);
        Assert.Equal(2, part.Grids[HeatmapType.CustomerFlow].Count);
        Assert.Equal(1, (await grain.GetAnalyticsAsync(tenant, window)).Total.Visitors);

        // A heatmap activated now backfills the moved grids; a late sample into the same bucket adds to them.
        await fixture.Cluster.DeactivateAsync(heatmapGrain);
        Assert.Equal(before.Points, (await fixture.Grains.GetHeatmapDataAsync(tenant, heatmap, window, Granularity.Hour)).Points);
        await grain.IngestAsync(tenant, new SensorBatch("grid-2", null,
        [
            new SensorReading(0, ReadingKind.Position, "b", ts + 1_000, 15, 15, 0, null),
            new SensorReading(1, ReadingKind.TrackEnd, "b", ts + 2_000, 0, 0, 0, null),
        ], []));
        await fixture.Cluster.DeactivateAsync(heatmapGrain);
        var after = await fixture.Grains.GetHeatmapDataAsync(tenant, heatmap, window, Granularity.Hour);
        Assert.Equal([2, 1], after.Points.Select(p => (long)p.Count).ToArray());
        Assert.Equal(2, (await grain.GetAnalyticsAsync(tenant, window)).Total.Visitors);
    }
}
