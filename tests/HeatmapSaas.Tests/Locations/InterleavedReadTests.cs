using HeatmapSaas.Catalog;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Grains.Locations.History;
using HeatmapSaas.Locations;
using HeatmapSaas.Tenants;
using HeatmapSaas.Tests.Model;

namespace HeatmapSaas.Tests.Locations;

/// <summary>A location answers questions while it waits on storage, and counts each bucket once meanwhile.</summary>
public sealed class InterleavedReadTests
{
    [Fact]
    public async Task A_traffic_question_answers_while_the_location_waits_on_a_history_write()
    {
        var history = new GatedHistoryStore();
        await using var run = await ModelCluster.StartAsync(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero), history: history);
        var tenant = (await run.Grains.GetGrain<ITenantRegistryGrain>(0).CreateTenantAsync(new NewTenant("Interleave", Plan.Pro, "UTC"))).Tenant.Id;
        var location = await run.Grains.GetGrain<ICatalogGrain>(tenant)
            .CreateLocationAsync(new LocationDraft("Waiting Store", null, "retail", null, null, null, "UTC", null, null, null, null));
        var grain = run.Grains.GetGrain<ILocationGrain>(location.Id);

        // A visit three days back: past the live window, so the location's next tick moves it to the history.
        var ts = run.Clock.GetUtcNow().AddDays(-3).ToUnixTimeMilliseconds();
        await grain.IngestAsync(tenant, new SensorBatch("old", null,
        [
            new SensorReading(0, ReadingKind.Position, "a", ts, 15, 15, 0, null),
            new SensorReading(1, ReadingKind.Position, "a", ts + 12_000, 25, 15, 0, null),
            new SensorReading(2, ReadingKind.TrackEnd, "a", ts + 13_000, 0, 0, 0, null),
        ], []));
        var query = new TrafficQuery(TrafficMetric.Engagements, DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(ts).UtcDateTime),
            Granularity.Day, null);

        run.Clock.Advance(TimeSpan.FromSeconds(1));
        await history.Entered.WaitAsync(TimeSpan.FromSeconds(30));

        // The tick is inside its history write: a question still gets its answer, from the ledger.
        Assert.Equal(1, Assert.Single(await grain.GetTrafficAsync(tenant, query).WaitAsync(TimeSpan.FromSeconds(10))).Count);

        history.Release();
        await history.Stored.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, Assert.Single(await grain.GetTrafficAsync(tenant, query)).Count);
        Assert.Equal(1, (await history.ReadCountsAsync(location.Id, new TimeBucket(0), new TimeBucket(long.MaxValue / 2), long.MaxValue))
            .Values.Sum(c => c.Engagements));
    }

    /// <summary>The embedded history store, whose first write waits until the test lets it through.</summary>
    private sealed class GatedHistoryStore : IHistoryStore
    {
        private readonly InMemoryHistoryStore _inner = new();
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public Task Stored => _stored.Task;

        public void Release() => _release.TrySetResult();

        public async Task AddAsync(string locationId, long generation, IReadOnlyList<Bucket> closed, CancellationToken ct = default)
        {
            _entered.TrySetResult();
            await _release.Task;
            await _inner.AddAsync(locationId, generation, closed, ct);
            _stored.TrySetResult();
        }

        public Task<IReadOnlyList<HistoricBucket>> ReadAsync(string locationId, TimeBucket from, TimeBucket to, long throughGeneration,
            CancellationToken ct = default) => _inner.ReadAsync(locationId, from, to, throughGeneration, ct);

        public Task<IReadOnlyDictionary<long, BucketCounts>> ReadCountsAsync(string locationId, TimeBucket from, TimeBucket to,
            long throughGeneration, CancellationToken ct = default) => _inner.ReadCountsAsync(locationId, from, to, throughGeneration, ct);
    }
}
