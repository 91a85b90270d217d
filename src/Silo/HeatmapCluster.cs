using System.Net;
using HeatmapSaas.Grains;
using HeatmapSaas.Grains.Webhooks;
using HeatmapSaas.Silo.Webhooks;
using HeatmapSaas.Silo.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace HeatmapSaas.Silo;

/// <summary>
/// How a process joins the Orleans cluster: embedded (localhost clustering, memory storage) without a connection
/// string; on PostgreSQL with one; as a silo or, with <c>Heatmap:Silo:Enabled=false</c>, as a client.
/// </summary>
public static class HeatmapCluster
{
    public const string Invariant = "Npgsql";

    public static string? PostgresConnectionString(this IConfiguration config) =>
        config.GetConnectionString("Postgres") is { Length: > 0 } cs ? cs : null;

    public static bool HostsSilo(this IConfiguration config) => config.GetValue("Heatmap:Silo:Enabled", true);

    /// <summary>Adds the silo or the cluster client this process runs, and the schema installer before either.</summary>
    public static IHostApplicationBuilder AddHeatmapCluster(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        // Registered first so the schema exists before Orleans starts and reads its query table.
        builder.Services.AddHostedService<PostgresSchemaInstaller>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        if (config.HostsSilo())
        {
            builder.UseOrleans(silo => silo.AddHeatmapSilo(config));
        }
        else
        {
            var connectionString = config.PostgresConnectionString()
                ?? throw new InvalidOperationException("Client mode (Heatmap:Silo:Enabled=false) needs ConnectionStrings:Postgres.");
            builder.UseOrleansClient(client => client
                .Configure<ClusterOptions>(o => ConfigureIdentity(o, config))
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = Invariant;
                    o.ConnectionString = connectionString;
                }));
        }

        return builder;
    }

    /// <summary>Clustering, endpoints and providers of a silo as configured.</summary>
    public static ISiloBuilder AddHeatmapSilo(this ISiloBuilder silo, IConfiguration config)
    {
        var siloPort = config.GetValue("Orleans:SiloPort", EndpointOptions.DEFAULT_SILO_PORT);
        var gatewayPort = config.GetValue("Orleans:GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT);
        silo.Configure<ClusterOptions>(o => ConfigureIdentity(o, config));

        if (config.PostgresConnectionString() is not { } connectionString)
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            silo.UseInMemoryHeatmapStorage();
        }
        else
        {
            silo.ConfigureEndpoints(AdvertisedAddress(config), siloPort, gatewayPort, listenOnAnyHostAddress: true);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.AddAdoNetGrainStorage(StorageNames.Default, o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.AddMemoryGrainStorage(StorageNames.PubSub);
            silo.Services.AddSingleton<IWebhookOutbox>(new PostgresWebhookOutbox(connectionString));
        }

        return silo.AddHeatmapGrainServices();
    }

    /// <summary>Memory providers for grain state, pub-sub and reminders: the embedded mode and cluster tests.</summary>
    public static ISiloBuilder UseInMemoryHeatmapStorage(this ISiloBuilder silo) => silo
        .AddMemoryGrainStorage(StorageNames.Default)
        .AddMemoryGrainStorage(StorageNames.PubSub)
        .UseInMemoryReminderService();

    /// <summary>What every silo needs whatever its providers: the services grains take.</summary>
    public static ISiloBuilder AddHeatmapGrainServices(this ISiloBuilder silo)
    {
        silo.Services.AddHeatmapGrainDependencies();
        // The roll-up from locations to their tenant. Memory streams may lose messages in a crash; the tenant
        // grain reconciles from its locations, so nothing durable rides on them.
        silo.AddMemoryStreams(HeatmapSaas.Tenants.RollupStream.Provider);
        silo.Services.AddWebhookSender();
        return silo;
    }

    private static void ConfigureIdentity(ClusterOptions options, IConfiguration config)
    {
        options.ClusterId = config["Orleans:ClusterId"] ?? "heatmap";
        options.ServiceId = "heatmap";
    }

    /// <summary>The address other silos reach this one at: <c>Orleans:AdvertisedHost</c> (a name or IP) or loopback.</summary>
    private static IPAddress AdvertisedAddress(IConfiguration config) =>
        config["Orleans:AdvertisedHost"] is { Length: > 0 } host
            ? IPAddress.TryParse(host, out var ip)
                ? ip
                : Dns.GetHostAddresses(host).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            : IPAddress.Loopback;
}
