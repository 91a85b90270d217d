using HeatmapSaas.Catalog;
using HeatmapSaas.Footfall;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Locations;
using HeatmapSaas.Tenants;

namespace HeatmapSaas.Tests.Model;

/// <summary>
/// Minimal repro of what the model test finds: a heatmap data point's timestamp is the first bucket of its period
/// inside the query window, not the period's start ("hour: the hour's start; day and week: local midnight; weeks
/// start Monday"), so it moves with start_date, and on Lord Howe's half-hour DST days an hour's point is stamped
/// half an hour off its nominal start.
/// </summary>
public sealed class HeatmapTimestampRepro
{
    private static long Bucket(DateTimeOffset instant) => instant.ToUnixTimeSeconds() / 900;

    [Fact]
    public async Task A_point_is_stamped_with_its_periods_start_whatever_the_window()
    {
        // Thursday 2025-04-03 10:20 UTC, one position in a UTC store.
        await using var run = await ModelCluster.StartAsync(new DateTimeOffset(2025, 4, 5, 12, 0, 0, TimeSpan.Zero));
        var tenant = (await run.Grains.GetGrain<ITenantRegistryGrain>(0).CreateTenantAsync(new NewTenant("Repro", Plan.Pro, "UTC"))).Tenant.Id;
        var catalog = run.Grains.GetGrain<ICatalogGrain>(tenant);
        var location = await catalog.CreateLocationAsync(new LocationDraft("Repro", null, "retail", null, null, null, "UTC", null, null, null, null));
        var heatmap = await catalog.CreateHeatmapAsync(new HeatmapDraft("h", location.Id, HeatmapType.CustomerFlow, null, 3600, 10));
        var ts = new DateTimeOffset(2025, 4, 3, 10, 20, 0, TimeSpan.Zero);
        await run.Grains.GetGrain<ILocationGrain>(location.Id).IngestAsync(tenant,
            new SensorBatch("b-1", null, [new SensorReading(0, ReadingKind.Position, "a", ts.ToUnixTimeMilliseconds(), 15, 15, 0, null)], []));

        async Task<DateTimeOffset> Stamp(DateTimeOffset from, DateTimeOffset to, Granularity granularity) =>
            Assert.Single((await run.Grains.GetHeatmapDataAsync(tenant, heatmap, new BucketWindow(Bucket(from), Bucket(to)), granularity)).Points).Timestamp;

        var thursday = new DateTimeOffset(2025, 4, 3, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset[] expected =
        [
            // The week of Monday 2025-03-31, asked from Thursday (start_date=2025-04-03&granularity=week).
            new(2025, 3, 31, 0, 0, 0, TimeSpan.Zero),
            // The day, asked from 06:00 (start_date=2025-04-03T06:00:00Z&granularity=day).
            thursday,
            // The hour 10:00, asked from 10:15 (start_date=2025-04-03T10:15:00Z&granularity=hour).
            thursday.AddHours(10),
        ];
        DateTimeOffset[] actual =
        [
            await Stamp(thursday, thursday.AddDays(1), Granularity.Week),
            await Stamp(thursday.AddHours(6), thursday.AddDays(1), Granularity.Day),
            await Stamp(thursday.AddHours(10).AddMinutes(15), thursday.AddDays(1), Granularity.Hour),
        ];
        Assert.Equal(expected, actual);
    }
}
