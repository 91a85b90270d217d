using HeatmapSaas.Tests.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace HeatmapSaas.Tests.Cluster;

/// <summary>
/// Two in-process silos with memory providers (each its own ingest log and history store) and a shared controllable
/// clock starting 2025-12-25 12:00 UTC: a <see cref="ModelCluster"/> as an xunit class fixture, one per test class.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private ModelCluster? _cluster;

    public FakeTimeProvider Clock => Started.Clock;

    public InProcessTestCluster Cluster => Started.Cluster;

    public IGrainFactory Grains => Started.Grains;

    private ModelCluster Started => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    /// <summary>The grain factory of one silo, to call grains from inside the cluster as another silo's code would.</summary>
    public IGrainFactory GrainsOfSilo(int index) =>
        Cluster.GetSiloServiceProvider(Cluster.Silos[index].SiloAddress).GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync() =>
        _cluster = await ModelCluster.StartAsync(new DateTimeOffset(2025, 12, 25, 12, 0, 0, TimeSpan.Zero), sharedLog: false);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
