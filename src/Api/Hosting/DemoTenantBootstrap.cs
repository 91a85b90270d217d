using HeatmapSaas.Tenants;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HeatmapSaas.Api.Hosting;

/// <summary>
/// On first start (no tenants yet) creates the Demo tenant and prints where to browse and its key, once: the key
/// is <c>Heatmap:Bootstrap:ApiKey</c> when configured, else generated.
/// </summary>
public sealed class DemoTenantBootstrap(
    IGrainFactory grains,
    IConfiguration config,
    IServer server,
    IHostApplicationLifetime lifetime,
    HeatmapSaas.Api.Demo.DemoStore demoStore,
    HeatmapSaas.Api.Demo.DemoKeyOffer demoKeyOffer,
    ILogger<DemoTenantBootstrap> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Wait until Kestrel listens (and the cluster is joined), so the printed address is the real one.
        var started = new TaskCompletionSource();
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return; // stopped before it ever started
        }

        var created = await grains.GetGrain<ITenantRegistryGrain>(0).EnsureDemoTenantAsync(config["Heatmap:Bootstrap:ApiKey"]);
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault() ?? "http://localhost:5000";
        if (created is null)
        {
            logger.LogInformation("HeatmapSaas is ready at {Url}", url);
            return;
        }

        demoKeyOffer.Keep(created.Key.Secret);

        // Printed to the console on purpose (not only logged): this is the one time the generated key is shown.
        Console.WriteLine();
        Console.WriteLine($"  HeatmapSaas is running: open {url}");
        Console.WriteLine($"  Demo tenant id: {created.Tenant.Id}");
        Console.WriteLine($"  Demo API key:   {created.Key.Secret}");
        Console.WriteLine($"  Try: curl -H \"Authorization: Bearer {created.Key.Secret}\" {url}/v1/locations");
        Console.WriteLine();

        if (demoStore.Enabled)
        {
            try
            {
                await demoStore.RunAsync(created.Key.Secret, new Uri(url.Replace("://+", "://localhost").Replace("://*", "://localhost")), stoppingToken);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
