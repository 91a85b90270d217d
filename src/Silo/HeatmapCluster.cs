using System.Net;
using System.Reflection;
using HeatmapSaas.Grains;
using HeatmapSaas.Grains.Locations.History;
using HeatmapSaas.Grains.Locations.Log;
using HeatmapSaas.Grains.Webhooks;
using HeatmapSaas.Silo.Webhooks;
using HeatmapSaas.Silo.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace HeatmapSaas.Silo;

/// <summary>
/// How a process joins the Orleans cluster: embedded (localhost clustering, memory storage) without a connection
/// string; on PostgreSQL with one; as a silo or, with <c>Heatmap:Silo:Enabled=false</c>, as a client.
/// </summary>
public static class HeatmapCluster
{
    public const string Invariant = "Npgsql";

    /// <summary>
    /// <c>ConnectionStrings:Postgres</c> bounded to Orleans' share of the process's connections (see
    /// <see cref="PostgresConnections"/>); null in embedded mode.
    /// </summary>
    public static string? PostgresConnectionString(this IConfiguration config) =>
        config.GetConnectionString("Postgres") is { Length: > 0 } cs ? PostgresConnections.ForOrleans(cs, config) : null;

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
                .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout)
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
            silo.AddAdoNetGrainStorage(StorageNames.Default, options => options.Configure<IServiceProvider>((o, services) =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
                // Stored state names its types; state written before types moved must still load.
                o.GrainStorageSerializer = MovedTypeNames.StorageSerializer(services, ProductAssemblies);
            }));
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = connectionString;
            });
            silo.UseFastFailureDetection(config);

            // The durable ingest path: every silo reads and writes the same log and history, so a location that
            // moves to another silo (failover, rebalancing) finds its batches and its batch ids there.
            silo.Services.AddSingleton(_ => PostgresConnections.ForProduct(config.GetConnectionString("Postgres")!, config));
            silo.Services.AddOptions<GroupCommitOptions>().BindConfiguration("Heatmap:Postgres:GroupCommit");
            silo.Services.AddSingleton<IIngestLog>(sp => new PostgresIngestLog(
                sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<GroupCommitOptions>>().Value));
            silo.Services.AddSingleton<IHistoryStore, PostgresHistoryStore>();
            silo.Services.AddSingleton<IWebhookOutbox>(sp => new PostgresWebhookOutbox(sp.GetRequiredService<NpgsqlDataSource>()));
        }

        return silo.AddHeatmapGrainServices();
    }

    /// <summary>Memory providers for grain state and reminders: the embedded mode and cluster tests.</summary>
    public static ISiloBuilder UseInMemoryHeatmapStorage(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<HeatmapSaas.Grains.VolatileGrainState>();
        return silo
            .AddMemoryGrainStorage(StorageNames.Default)
            .UseInMemoryReminderService();
    }

    /// <summary>What every silo needs whatever its providers: the services grains take.</summary>
    public static ISiloBuilder AddHeatmapGrainServices(this ISiloBuilder silo)
    {
        silo.Services.AddHeatmapGrainDependencies();
        silo.Services.AddWebhookSender();
        return silo;
    }

    /// <summary>The assemblies whose types grain state stores (see <see cref="MovedTypeNames"/>).</summary>
    public static readonly Assembly[] ProductAssemblies = [typeof(StorageNames).Assembly, typeof(HeatmapType).Assembly];

    /// <summary>
    /// How long a call waits for its answer. A call to a silo that died waits at most this long and then fails (the
    /// API answers 503 with Retry-After): well inside the 30 s in which service must come back.
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Failure detection tuned so a dead silo is declared dead within about 6 s (3 missed probes of 2 s; Orleans'
    /// defaults take 15 s or more), its grains then reactivating elsewhere from checkpoint and log. Any of it can be
    /// overridden under <c>Orleans:Membership</c> (the names of <see cref="ClusterMembershipOptions"/>).
    /// </summary>
    private static ISiloBuilder UseFastFailureDetection(this ISiloBuilder silo, IConfiguration config)
    {
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 3;
        });
        silo.Configure<ClusterMembershipOptions>(config.GetSection("Orleans:Membership"));
        silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
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
