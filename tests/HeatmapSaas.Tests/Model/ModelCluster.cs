using HeatmapSaas.Grains.Locations.History;
using HeatmapSaas.Grains.Locations.Log;
using HeatmapSaas.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace HeatmapSaas.Tests.Model;

/// <summary>
/// Two in-process silos with memory providers and one controllable clock (<c>Cluster.ClusterFixture</c> is one as a
/// class fixture). By default the ingest log and the history store are one instance shared by both silos. Embedded
/// mode keeps them in process memory because it is one process; with two silos a location grain may be reactivated
/// (or migrated) on the other silo, and it must find the same log there — as it would with a durable store.
/// <para>
/// One cluster per "epoch" (a clock start a few days after some DST transitions): FakeTimeProvider fires every
/// periodic timer once per period it is advanced over (one grain timer a second per location, plus Orleans' own),
/// so the clock may only move by minutes inside a cluster's life, never by months.
/// </para>
/// </summary>
public sealed class ModelCluster : IAsyncDisposable
{
    private ModelCluster(FakeTimeProvider clock, InProcessTestCluster cluster)
    {
        Clock = clock;
        Cluster = cluster;
    }

    public FakeTimeProvider Clock { get; }

    public InProcessTestCluster Cluster { get; }

    public IGrainFactory Grains => Cluster.Client;

    /// <param name="sharedLog">False leaves the default registrations: one in-memory log and history store per silo.</param>
    /// <param name="history">The shared history store (a fresh in-memory one by default).</param>
    public static async Task<ModelCluster> StartAsync(DateTimeOffset clockStart, bool sharedLog = true, IHistoryStore? history = null)
    {
        var clock = new FakeTimeProvider(clockStart);
        var log = new InMemoryIngestLog();
        history ??= new InMemoryHistoryStore();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(clock);
            if (sharedLog)
            {
                silo.Services.AddSingleton<IIngestLog>(log);
                silo.Services.AddSingleton<IHistoryStore>(history);
            }

            silo.UseInMemoryHeatmapStorage().AddHeatmapGrainServices();
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new ModelCluster(clock, cluster);
    }

    /// <summary>
    /// Shuts the silos down while the fake clock keeps moving: shutdown waits on delays of the silos' TimeProvider,
    /// which a frozen clock would only end at their real-time timeouts (about 30 s per cluster).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        using var done = new CancellationTokenSource();
        var ticking = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                Clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(5);
            }
        });
        await Cluster.DisposeAsync();
        await done.CancelAsync();
        await ticking;
    }
}
