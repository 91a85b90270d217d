using HeatmapSaas.Catalog;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains;
using HeatmapSaas.Grains.Locations;
using HeatmapSaas.Grains.Locations.History;
using HeatmapSaas.Grains.Locations.Log;
using HeatmapSaas.Locations;
using HeatmapSaas.Silo;
using HeatmapSaas.Silo.Schema;
using HeatmapSaas.Tenants;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>
/// Two in-process silos whose grain state, ingest log and history are in PostgreSQL, as in PostgreSQL mode. A silo is
/// killed (no deactivation, so no checkpoint) after batches were committed to the log but not checkpointed: the
/// location comes back on the other silo from its older checkpoint plus the log, and answers as before.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class SiloCrashTests(PostgresFixture postgres) : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;
    private NpgsqlDataSource _database = null!;

    public async Task InitializeAsync()
    {
        var connectionString = postgres.CreateDatabase("silo_crash");
        await PostgresSchema.ApplyAsync(connectionString);
        _database = NpgsqlDataSource.Create(connectionString);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAdoNetGrainStorage(StorageNames.Default, o =>
            {
                o.Invariant = HeatmapCluster.Invariant;
                o.ConnectionString = connectionString;
            });
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton(_database);
            silo.Services.AddSingleton<IIngestLog, PostgresIngestLog>();
            silo.Services.AddSingleton<IHistoryStore, PostgresHistoryStore>();
            // Nothing is checkpointed by count or time during the test: only the log holds the batches.
            silo.Services.Configure<IngestOptions>(o =>
            {
                o.CheckpointEveryBatches = 1_000_000;
                o.CheckpointInterval = TimeSpan.FromDays(1);
            });
            silo.AddHeatmapGrainServices();
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Batches_committed_after_the_last_checkpoint_survive_a_silo_crash_and_stay_duplicates()
    {
        var grains = _cluster.Client;
        var tenant = (await grains.GetGrain<ITenantRegistryGrain>(0).CreateTenantAsync(new NewTenant("Crash", Plan.Pro, "UTC"))).Tenant.Id;
        var location = await grains.GetGrain<ICatalogGrain>(tenant).CreateLocationAsync(
            new LocationDraft("Crash Store", null, "retail", null, null, null, "UTC", null, null, null, null));
        var grain = grains.GetGrain<ILocationGrain>(location.Id);
        var now = DateTimeOffset.UtcNow;
        var window = new BucketWindow(now.AddHours(-2).ToUnixTimeMilliseconds() / 900_000, now.ToUnixTimeMilliseconds() / 900_000 + 2);

        // The location lives on the silo that is not the primary one, so killing it leaves the cluster standing.
        await grain.GetLastUpdateAsync(tenant);
        var doomed = _cluster.Silos[1];
        if (HostOf(grain) != doomed.SiloAddress)
        {
            await _cluster.MigrateAsync(grain, doomed.SiloAddress);
        }

        var receipts = new List<(SensorBatch Batch, IngestReceipt Receipt)>();
        for (var i = 0; i < 12; i++)
        {
            var batch = Visits($"b-{i}", now.AddMinutes(-60 + i), visits: 5, firstIndex: i * 5);
            receipts.Add((batch, await grain.IngestAsync(tenant, batch)));
        }

        Assert.Equal(doomed.SiloAddress, HostOf(grain));
        var before = await grain.GetAnalyticsAsync(tenant, window);
        Assert.Equal(60, before.Total.Visitors);
        Assert.Equal(36, before.Total.Conversions);

        await _cluster.KillSiloAsync(doomed);

        // Once the survivor has taken over, the location answers from checkpoint plus log: the same answer.
        var after = await RetryUntilServedAsync(() => grain.GetAnalyticsAsync(tenant, window));
        Assert.Equal(Flat(before), Flat(after));

        // Every batch id is still known there, and answers its first receipt.
        foreach (var (batch, first) in receipts)
        {
            var again = await grain.IngestAsync(tenant, batch);
            Assert.Equal((true, first.Accepted, first.Rejected), (again.Duplicate, again.Accepted, again.Rejected));
        }

        Assert.Equal(60, (await grain.GetAnalyticsAsync(tenant, window)).Total.Visitors);
    }

    private static string Flat(LocationAnalytics a) =>
        $"{a.Total.Visitors} {a.Total.DwellMs} {a.Total.Conversions} [{string.Join(',', a.Total.PeakHours)}] " +
        string.Join(' ', a.Days.Select(d => $"{d.Date}:{d.Figures.Visitors}/{d.Figures.DwellMs}/{d.Figures.Conversions}/{string.Join(',', d.Figures.PeakHours)}"));

    private Orleans.Runtime.SiloAddress? HostOf(IGrain grain) =>
        _cluster.TryGetGrainContext(grain.GetGrainId(), out var context) ? context.Address.SiloAddress : null;

    /// <summary>Calls during failure detection may fail; they must not answer wrong data, which the caller checks.</summary>
    private static async Task<T> RetryUntilServedAsync<T>(Func<Task<T>> call)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (e is TimeoutException or SiloUnavailableException or OrleansMessageRejectionException
                                      && !deadline.IsCancellationRequested)
            {
                await Task.Delay(100, deadline.Token);
            }
        }
    }

    /// <summary>Whole visits (two samples 12 s apart, then the end), three in five visitors paying afterwards.</summary>
    private static SensorBatch Visits(string batchId, DateTimeOffset start, int visits, int firstIndex)
    {
        var readings = new List<SensorReading>();
        for (var v = 0; v < visits; v++)
        {
            var track = $"t-{firstIndex + v}";
            var ts = start.AddSeconds(v).ToUnixTimeMilliseconds();
            readings.Add(new SensorReading(readings.Count, ReadingKind.Position, track, ts, 15 + v, 15, 0, null));
            readings.Add(new SensorReading(readings.Count, ReadingKind.Position, track, ts + 12_000, 25 + v, 15, 0, null));
            readings.Add(new SensorReading(readings.Count, ReadingKind.TrackEnd, track, ts + 13_000, 0, 0, 0, null));
            if (v % 5 < 3)
            {
                readings.Add(new SensorReading(readings.Count, ReadingKind.Conversion, track, ts + 20_000, 0, 0, 9.99, null));
            }
        }

        return new SensorBatch(batchId, "gw-1", readings.ToArray(), []);
    }
}
