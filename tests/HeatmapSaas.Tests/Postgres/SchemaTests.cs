using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using HeatmapSaas.Silo.Schema;
using HeatmapSaas.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.MembershipService;
using Orleans.Storage;
using static HeatmapSaas.Tests.Postgres.OrleansParameter;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>
/// The PostgreSQL schema against a real server: it applies repeatedly and concurrently, the Orleans providers run
/// a cluster on it, and every stored query answers with the columns and types the providers read.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class SchemaTests(PostgresFixture postgres)
{
    private const string Npgsql = "Npgsql";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private static readonly HashSet<string> MembershipKeys =
    [
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipKey",
        "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
    ];

    private static readonly HashSet<string> StorageKeys =
        ["ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey"];

    private static readonly HashSet<string> ReminderKeys =
    [
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    // ---- applying the schema ----

    [Fact]
    public async Task Schema_applies_again_over_itself()
    {
        var database = postgres.CreateDatabase("schema_twice");

        await PostgresSchema.ApplyAsync(database);
        await PostgresSchema.ApplyAsync(database);

        Assert.Equal(MembershipKeys.Concat(StorageKeys).Concat(ReminderKeys).ToHashSet(),
            await OrleansQueries.KeysAsync(database));
    }

    [Fact]
    public async Task Schema_applies_from_several_processes_starting_together()
    {
        var database = postgres.CreateDatabase("schema_race");

        // Without the advisory lock, concurrent CREATE TABLE IF NOT EXISTS fails with a unique violation.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresSchema.ApplyAsync(database))));

        Assert.NotEmpty(await OrleansQueries.KeysAsync(database));
    }

    [Fact]
    public async Task Schema_applies_without_waiting_for_a_live_cluster_writing()
    {
        var database = postgres.CreateDatabase("schema_live");
        await PostgresSchema.ApplyAsync(database);
        await using var cluster = new NpgsqlConnection(database);
        await cluster.OpenAsync();
        // A silo in the middle of writing grain state and a reminder: its transaction holds row-exclusive locks.
        await using var writing = await cluster.BeginTransactionAsync();
        await using (var write = new NpgsqlCommand(
            "INSERT INTO orleans_grain_state (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0, " +
            "grain_id_n1, version) VALUES ('footfall', 1, 'tally', 1, 0, 1, 1); " +
            "INSERT INTO orleans_reminder VALUES ('footfall', 'location/a', 'rollup', now(), 60000, 1, 0)",
            cluster, writing))
        {
            await write.ExecuteNonQueryAsync();
        }

        // A second silo starting now re-applies the schema; nothing in it may need to wait for the first.
        await PostgresSchema.ApplyAsync(database).WaitAsync(TimeSpan.FromSeconds(10));

        await writing.CommitAsync();
    }

    [Fact]
    public void Scripts_run_in_numbered_order()
    {
        var names = PostgresSchema.ScriptNames;

        Assert.Equal(["001_orleans_clustering.sql", "002_orleans_persistence.sql", "003_orleans_reminders.sql"],
            names.Take(3));
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task Stored_query_text_follows_the_scripts_when_they_change()
    {
        var database = postgres.CreateDatabase("schema_update");
        await PostgresSchema.ApplyAsync(database);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var edit = new NpgsqlCommand(
                "UPDATE OrleansQuery SET QueryText = 'stale' WHERE QueryKey = 'GatewaysQueryKey'", connection);
            await edit.ExecuteNonQueryAsync();
        }

        await PostgresSchema.ApplyAsync(database);

        var gateways = await new OrleansQueries(database).ExecuteAsync("GatewaysQueryKey",
            Text("DeploymentId", "none"), Int("Status", 3));
        Assert.Empty(gateways.Rows);
    }

    [Fact]
    public async Task Installer_applies_the_schema_when_postgres_is_configured()
    {
        var database = postgres.CreateDatabase("installer");
        var installer = new PostgresSchemaInstaller(Configuration(("ConnectionStrings:Postgres", database)),
            NullLogger<PostgresSchemaInstaller>.Instance);

        await installer.StartAsync(CancellationToken.None);

        Assert.Contains("GatewaysQueryKey", await OrleansQueries.KeysAsync(database));
    }

    [Fact]
    public async Task Installer_does_nothing_in_embedded_mode()
    {
        var installer = new PostgresSchemaInstaller(Configuration());

        await installer.StartAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Installer_gives_up_on_an_unreachable_server_after_its_wait()
    {
        var nobodyListens = new NpgsqlConnectionStringBuilder(postgres.AdminConnectionString)
        {
            Port = FreePort.Next(),
            Timeout = 1,
        }.ConnectionString;
        var installer = new PostgresSchemaInstaller(Configuration(
            ("ConnectionStrings:Postgres", nobodyListens), ("Heatmap:Schema:WaitSeconds", "3")));
        var started = DateTime.UtcNow;

        await Assert.ThrowsAnyAsync<NpgsqlException>(() => installer.StartAsync(CancellationToken.None));

        // It retried rather than failing at the first refusal, and stopped near its limit.
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Installer_fails_at_once_on_a_missing_database()
    {
        var missing = new NpgsqlConnectionStringBuilder(postgres.AdminConnectionString) { Database = "no_such_db" }
            .ConnectionString;
        var installer = new PostgresSchemaInstaller(Configuration(("ConnectionStrings:Postgres", missing)));
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<PostgresException>(() => installer.StartAsync(CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.InvalidCatalogName, error.SqlState);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    // ---- the contract ----

    /// <summary>
    /// A fresh database whose sessions run in Asia/Kathmandu (UTC+05:45): a DateTime bound or stored as a
    /// timestamp without time zone would shift by 5:45 there, and the round-trip assertions would catch it.
    /// </summary>
    private async Task<string> CreateDatabaseAwayFromUtcAsync(string prefix)
    {
        var database = postgres.CreateDatabase(prefix);
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await using var connection = new NpgsqlConnection(postgres.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"ALTER DATABASE \"{name}\" SET timezone TO 'Asia/Kathmandu'", connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    [Fact]
    public async Task Orleans_DateTime_parameters_arrive_as_timestamptz()
    {
        var database = await CreateDatabaseAwayFromUtcAsync("schema_types");
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_typeof(@at)::text, @at::text", connection);
        var at = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        // As the providers bind a DateTime: DbType.DateTime, Kind=Utc.
        var parameter = command.CreateParameter();
        (parameter.ParameterName, parameter.Value, parameter.DbType) = ("at", at, System.Data.DbType.DateTime);
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();

        Assert.Equal("timestamp with time zone", reader.GetString(0));
        Assert.Equal("2025-06-01 17:45:00+05:45", reader.GetString(1));
    }

    [Fact]
    public async Task Query_table_holds_what_the_providers_require_and_nothing_these_tests_skip()
    {
        var database = postgres.CreateDatabase("schema_keys");
        await PostgresSchema.ApplyAsync(database);
        var stored = await OrleansQueries.KeysAsync(database);

        // What the 10.x providers check at start (they refuse to start when one is missing) ...
        var required = RequiredQueryKeys();
        Assert.Empty(required.Except(stored));
        Assert.Contains("CleanupDefunctSiloEntriesKey", required);

        // ... and every stored key is one a test below runs against the server.
        Assert.Equal(MembershipKeys.Concat(StorageKeys).Concat(ReminderKeys).Order(StringComparer.Ordinal),
            stored.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The keys the provider assemblies demand: clustering and reminders validate the non-public properties of
    /// their DbStoredQueries class against the table; grain storage selects its keys by name.
    /// </summary>
    private static HashSet<string> RequiredQueryKeys()
    {
        static IEnumerable<string> StoredQueryProperties(Assembly assembly, string typeName) =>
            (assembly.GetType(typeName) ?? throw new InvalidOperationException($"{typeName} moved"))
            .GetProperties(BindingFlags.Instance | BindingFlags.NonPublic)
            .Select(p => p.Name);

        var clustering = StoredQueryProperties(typeof(AdoNetClusteringTable).Assembly,
            "Orleans.Clustering.AdoNet.Storage.DbStoredQueries");
        var reminders = StoredQueryProperties(typeof(AdoNetReminderTableOptions).Assembly,
            "Orleans.Reminders.AdoNet.Storage.DbStoredQueries");
        var storage = Regex.Matches(AdoNetGrainStorage.DefaultInitializationQuery, "'(\\w+Key)'")
            .Select(m => m.Groups[1].Value);
        return clustering.Concat(reminders).Concat(storage).ToHashSet();
    }

    // ---- the providers themselves, on a running cluster ----

    [Fact]
    public async Task Orleans_cluster_runs_on_the_schema()
    {
        var database = await CreateDatabaseAwayFromUtcAsync("schema_cluster");
        var clusterId = "footfall-" + Guid.NewGuid().ToString("N")[..8];
        var gatewayPort = FreePort.Next();

        using var silo = BuildSilo(database, clusterId, FreePort.Next(), gatewayPort);
        // A broken query tends to make Orleans retry forever: bound each start so such a failure is quick.
        await silo.StartAsync().WaitAsync(StartTimeout); // the installer in it creates the schema first
        using var client = BuildClient(database, clusterId);
        await client.StartAsync().WaitAsync(StartTimeout); // finds the gateway through GatewaysQueryKey
        var grains = client.Services.GetRequiredService<IClusterClient>();

        // Membership: the silo inserted itself (Joining), then became Active, with its gateway port.
        var self = Assert.Single(await SilosAsync(database, clusterId));
        Assert.Equal((int)SiloStatus.Active, self.Status);
        Assert.Equal(gatewayPort, self.ProxyPort);
        await WaitUntilAsync(async () => (await SilosAsync(database, clusterId))[0].IAmAlive > self.IAmAlive,
            "the silo to publish I-am-alive");

        // Grain state, for each key shape the provider stores differently.
        await AssertStateRoundTripsAsync(grains.GetGrain<IStoreTallyGrain>("store-1"));
        await AssertStateRoundTripsAsync(grains.GetGrain<IZoneTallyGrain>(Guid.NewGuid(), "entrance"));
        await AssertStateRoundTripsAsync(grains.GetGrain<IDoorTallyGrain>(7));
        Assert.Equal(3, await CountAsync(database,
            "SELECT count(*) FROM orleans_grain_state WHERE payload IS NOT NULL AND version = 4"));
        await AssertConcurrentWriterIsRejectedAsync(database, grains.GetGrain<IStoreTallyGrain>("store-2"));

        // Reminders: register, list, read, unregister.
        var tally = grains.GetGrain<IStoreTallyGrain>("store-3");
        await tally.StartReminderAsync("hourly-rollup");
        await tally.StartReminderAsync("daily-report");
        await tally.StartReminderAsync("daily-report"); // an update of the same row
        Assert.Equal(["daily-report", "hourly-rollup"], await tally.ReminderNamesAsync());
        Assert.Equal(2, await CountAsync(database, "SELECT count(*) FROM orleans_reminder"));
        await tally.StopReminderAsync("hourly-rollup");
        Assert.False(await tally.HasReminderAsync("hourly-rollup"));
        Assert.True(await tally.HasReminderAsync("daily-report"));
        Assert.Equal(1, await CountAsync(database, "SELECT count(*) FROM orleans_reminder"));

        // A graceful stop marks the silo Dead ...
        await client.StopAsync().WaitAsync(StartTimeout);
        await silo.StopAsync().WaitAsync(StartTimeout);
        var dead = Assert.Single(await SilosAsync(database, clusterId));
        Assert.Equal((int)SiloStatus.Dead, dead.Status);

        // ... and the provider's own clean-up then removes it; deleting the cluster removes its version row.
        var table = ClusteringTable(database, clusterId);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: false);
        var all = await table.ReadAllAsync();
        Assert.Equal(SiloStatus.Dead, Assert.Single(all.Members).Item1.Status);
        var row = await table.ReadRowAsync(all.Members[0].Item1.SiloAddress);
        Assert.Equal(all.Version.Version, row.Version.Version);
        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Empty(await SilosAsync(database, clusterId));
        await table.DeleteMembershipTableEntriesAsync(clusterId);
        Assert.Equal(0, await CountAsync(database, "SELECT count(*) FROM orleans_cluster_version"));
    }

    private static async Task AssertStateRoundTripsAsync(IVisitorTallyGrain tally)
    {
        Assert.Equal(5, await tally.AddAsync(5)); // insert
        Assert.Equal(8, await tally.AddAsync(3)); // update with the ETag of the insert
        await tally.DeactivateAsync();
        Assert.Equal(8, await tally.TotalAsync()); // read back by a new activation

        await tally.ResetAsync(); // clear: no payload, version kept
        await tally.DeactivateAsync();
        Assert.Equal(0, await tally.TotalAsync());
        Assert.Equal(2, await tally.AddAsync(2)); // a write after a clear updates the kept row
    }

    private static async Task AssertConcurrentWriterIsRejectedAsync(string database, IStoreTallyGrain tally)
    {
        await tally.AddAsync(1);
        // Another writer (say a duplicate activation elsewhere) moves the version on behind this activation's back.
        Assert.Equal(1, await CountAsync(database,
            "WITH bumped AS (UPDATE orleans_grain_state SET version = version + 1 " +
            "WHERE grain_id_extension = 'store-2' RETURNING 1) SELECT count(*) FROM bumped"));

        await Assert.ThrowsAsync<InconsistentStateException>(() => tally.AddAsync(1));
    }

    private static IHost BuildSilo(string database, string clusterId, int siloPort, int gatewayPort)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["ConnectionStrings:Postgres"] = database;
        builder.Services.AddHostedService<PostgresSchemaInstaller>();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = clusterId;
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = Npgsql;
                o.ConnectionString = database;
            });
            silo.AddAdoNetGrainStorage(VisitorTallyGrain.StorageName, o =>
            {
                o.Invariant = Npgsql;
                o.ConnectionString = database;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = Npgsql;
                o.ConnectionString = database;
            });
            // Publish the heartbeat every second so the test sees UpdateIAmAlivetimeKey run.
            silo.Configure<ClusterMembershipOptions>(o => o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(1));
        });
        return builder.Build();
    }

    private static IHost BuildClient(string database, string clusterId)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client => client
            .Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = clusterId;
            })
            .UseAdoNetClustering(o =>
            {
                o.Invariant = Npgsql;
                o.ConnectionString = database;
            }));
        return builder.Build();
    }

    private static AdoNetClusteringTable ClusteringTable(string database, string clusterId)
    {
        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        return new AdoNetClusteringTable(services,
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = clusterId }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = Npgsql, ConnectionString = database }),
            NullLogger<AdoNetClusteringTable>.Instance);
    }

    private sealed record SiloRow(int Status, int ProxyPort, DateTime IAmAlive);

    private static async Task<List<SiloRow>> SilosAsync(string database, string clusterId)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT status, proxy_port, i_am_alive_time FROM orleans_silo WHERE deployment_id = @id " +
            "ORDER BY start_time", connection);
        command.Parameters.AddWithValue("id", clusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<SiloRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new SiloRow(reader.GetInt32(0), reader.GetInt32(1), reader.GetDateTime(2)));
        }

        return rows;
    }

    private static async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    // ---- every stored query, run directly with the providers' parameter names and types ----

    private async Task<OrleansQueries> FreshSchemaAsync(string prefix)
    {
        var database = await CreateDatabaseAwayFromUtcAsync(prefix);
        await PostgresSchema.ApplyAsync(database);
        return new OrleansQueries(database);
    }

    private static readonly (string Name, Type Type)[] MembershipColumns =
    [
        ("Version", typeof(int)), ("Address", typeof(string)), ("Port", typeof(int)), ("Generation", typeof(int)),
        ("SiloName", typeof(string)), ("HostName", typeof(string)), ("Status", typeof(int)),
        ("ProxyPort", typeof(int)), ("SuspectTimes", typeof(string)), ("StartTime", typeof(DateTime)),
        ("IAmAliveTime", typeof(DateTime)),
    ];

    private static OrleansParameter[] SiloKey(string cluster, string address, int port, int generation) =>
    [
        Text("DeploymentId", cluster), Address("Address", address), Int("Port", port), Int("Generation", generation),
    ];

    private static Task<OrleansQueryResult> InsertSiloAsync(OrleansQueries queries, string cluster, int port,
        int version, int status, DateTime start, int proxyPort = 0) =>
        queries.ExecuteAsync("InsertMembershipKey",
        [
            .. SiloKey(cluster, "10.0.0.1", port, 1), Text("SiloName", $"silo-{port}"), Text("HostName", "node-a"),
            Int("Status", status), Int("ProxyPort", proxyPort), Time("StartTime", start), Time("IAmAliveTime", start),
            Int("Version", version),
        ]);

    [Fact]
    public async Task Membership_queries_keep_the_protocol()
    {
        var queries = await FreshSchemaAsync("membership");
        const string cluster = "footfall-eu";
        var start = new DateTime(2025, 3, 30, 0, 59, 59, DateTimeKind.Utc).AddTicks(1234567);
        var startInDatabase = start.AddTicks(-(start.Ticks % 10)); // PostgreSQL keeps microseconds

        // The version row: created once, answered as one boolean.
        Assert.True((await queries.ExecuteAsync("InsertMembershipVersionKey", Text("DeploymentId", cluster))).Boolean());
        Assert.False((await queries.ExecuteAsync("InsertMembershipVersionKey", Text("DeploymentId", cluster))).Boolean());

        // No silo yet: one row with the version and a NULL StartTime.
        var empty = await queries.ExecuteAsync("MembershipReadAllKey", Text("DeploymentId", cluster));
        empty.AssertColumns(MembershipColumns);
        Assert.Equal(0, empty.Single()["Version"]);
        Assert.Null(empty.Single()["StartTime"]);

        // Insert is conditional on the version read; the winner bumps it.
        Assert.True((await InsertSiloAsync(queries, cluster, 11111, version: 0, status: 2, start)).Boolean());
        Assert.False((await InsertSiloAsync(queries, cluster, 22222, version: 0, status: 2, start)).Boolean());
        Assert.False((await InsertSiloAsync(queries, cluster, 11111, version: 1, status: 2, start)).Boolean());

        var row = await queries.ExecuteAsync("MembershipReadRowKey", SiloKey(cluster, "10.0.0.1", 11111, 1));
        row.AssertColumns(MembershipColumns);
        var silo = row.Single();
        Assert.Equal(1, silo["Version"]);
        Assert.Equal(("10.0.0.1", 11111, 1, "silo-11111", "node-a", 2, 0),
            ((string)silo["Address"]!, (int)silo["Port"]!, (int)silo["Generation"]!, (string)silo["SiloName"]!,
                (string)silo["HostName"]!, (int)silo["Status"]!, (int)silo["ProxyPort"]!));
        Assert.Equal(startInDatabase, (DateTime)silo["StartTime"]!);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)silo["StartTime"]!).Kind);

        // An unknown silo still answers the version.
        var unknown = (await queries.ExecuteAsync("MembershipReadRowKey", SiloKey(cluster, "10.0.0.9", 1, 1))).Single();
        Assert.Equal(1, unknown["Version"]);
        Assert.Null(unknown["StartTime"]);

        // The heartbeat changes the row, not the version.
        var alive = startInDatabase.AddSeconds(30);
        var heartbeat = await queries.ExecuteAsync("UpdateIAmAlivetimeKey",
            [.. SiloKey(cluster, "10.0.0.1", 11111, 1), Time("IAmAliveTime", alive)]);
        Assert.Equal(1, heartbeat.RecordsAffected);

        // Update is conditional on the version too.
        const string suspicion = "S10.0.0.2:11111:1,2025-03-30 01:00:00.000 GMT";
        OrleansParameter[] Update(int version, int status) =>
        [
            .. SiloKey(cluster, "10.0.0.1", 11111, 1), Int("Status", status), Text("SuspectTimes", suspicion),
            Time("IAmAliveTime", alive), Int("Version", version),
        ];
        Assert.True((await queries.ExecuteAsync("UpdateMembershipKey", Update(1, 3))).Boolean());
        Assert.False((await queries.ExecuteAsync("UpdateMembershipKey", Update(1, 6))).Boolean());
        var all = await queries.ExecuteAsync("MembershipReadAllKey", Text("DeploymentId", cluster));
        all.AssertColumns(MembershipColumns);
        Assert.Equal((2, 3, suspicion), ((int)all.Single()["Version"]!, (int)all.Single()["Status"]!,
            (string)all.Single()["SuspectTimes"]!));
        Assert.Equal(alive, (DateTime)all.Single()["IAmAliveTime"]!);

        // Gateways: active silos with a gateway port only.
        Assert.True((await InsertSiloAsync(queries, cluster, 33333, version: 2, status: 3, start, proxyPort: 30000)).Boolean());
        var gateways = await queries.ExecuteAsync("GatewaysQueryKey", Text("DeploymentId", cluster), Int("Status", 3));
        gateways.AssertColumns(("Address", typeof(string)), ("ProxyPort", typeof(int)), ("Generation", typeof(int)));
        Assert.Equal(30000, gateways.Single()["ProxyPort"]);

        // Compare-and-delete of a dead silo: only while the row still holds what the caller read.
        Assert.True((await queries.ExecuteAsync("UpdateMembershipKey",
        [
            .. SiloKey(cluster, "10.0.0.1", 11111, 1), Int("Status", 6), Text("SuspectTimes", ""),
            Time("IAmAliveTime", alive), Int("Version", 3),
        ])).Boolean());
        OrleansParameter[] Defunct(DateTime aliveSeen, string? suspectTimes) =>
        [
            .. SiloKey(cluster, "10.0.0.1", 11111, 1), Text("SuspectTimes", suspectTimes),
            Time("StartTime", startInDatabase), Time("IAmAliveTime", aliveSeen),
        ];
        var changed = await queries.ExecuteAsync("CleanupDefunctSiloEntryKey", Defunct(alive.AddSeconds(1), null));
        Assert.Equal(0, changed.RecordsAffected);
        // The stored '' and Orleans' NULL both mean "no suspicions".
        var removed = await queries.ExecuteAsync("CleanupDefunctSiloEntryKey", Defunct(alive, null));
        Assert.Equal(1, removed.RecordsAffected);

        // Bulk clean-up: dead and silent before the cut-off; the active gateway stays.
        Assert.True((await InsertSiloAsync(queries, cluster, 44444, version: 4, status: 6, start)).Boolean());
        var bulk = await queries.ExecuteAsync("CleanupDefunctSiloEntriesKey",
            Text("DeploymentId", cluster), Time("IAmAliveTime", start.AddHours(1)));
        Assert.Equal(1, bulk.RecordsAffected);
        Assert.Equal(33333, (await queries.ExecuteAsync("MembershipReadAllKey", Text("DeploymentId", cluster)))
            .Single()["Port"]);

        // Deleting the cluster takes its silos with it; another cluster is untouched.
        await queries.ExecuteAsync("InsertMembershipVersionKey", Text("DeploymentId", "footfall-us"));
        var deleted = await queries.ExecuteAsync("DeleteMembershipTableEntriesKey", Text("DeploymentId", cluster));
        Assert.Equal(1, deleted.RecordsAffected);
        Assert.Empty((await queries.ExecuteAsync("MembershipReadAllKey", Text("DeploymentId", cluster))).Rows);
        Assert.Single((await queries.ExecuteAsync("MembershipReadAllKey", Text("DeploymentId", "footfall-us"))).Rows);

        Assert.Equal(MembershipKeys.Order(), queries.Run.Order());
    }

    private static OrleansParameter[] StateOf(int idHash, long n0, long n1, string? extension, string type = "HeatmapSaas.Tally") =>
    [
        Int("GrainIdHash", idHash), Long("GrainIdN0", n0), Long("GrainIdN1", n1), Int("GrainTypeHash", 4242),
        Text("GrainTypeString", type), Text("GrainIdExtensionString", extension), Text("ServiceId", "footfall"),
    ];

    [Fact]
    public async Task Storage_queries_keep_the_etag_contract()
    {
        var queries = await FreshSchemaAsync("storage");
        // A Guid key with an extension, hashed to a negative int as the provider's uint-to-int cast can.
        var zone = StateOf(int.MinValue, -7, 9, "entrance");

        Task<OrleansQueryResult> Write(OrleansParameter[] grain, int? version, byte[] payload) =>
            queries.ExecuteAsync("WriteToStorageKey", [.. grain, Int("GrainStateVersion", version), Bytes("PayloadBinary", payload)]);
        Task<OrleansQueryResult> Clear(OrleansParameter[] grain, int? version) =>
            queries.ExecuteAsync("ClearStorageKey", [.. grain, Int("GrainStateVersion", version)]);
        Task<OrleansQueryResult> Delete(OrleansParameter[] grain, int? version) =>
            queries.ExecuteAsync("DeleteStorageKey", [.. grain, Int("GrainStateVersion", version)]);
        Task<OrleansQueryResult> Read(OrleansParameter[] grain) => queries.ExecuteAsync("ReadFromStorageKey", grain);

        Assert.Empty((await Read(zone)).Rows);

        // First write creates version 1; a second "first" write (another activation) gets NULL.
        var created = await Write(zone, null, [1, 2, 3]);
        created.AssertColumns(("NewGrainStateVersion", typeof(int)));
        Assert.Equal(1, created.Scalar());
        Assert.Null((await Write(zone, null, [9])).Scalar());

        var read = await Read(zone);
        read.AssertColumns(("PayloadBinary", typeof(byte[])), ("Version", typeof(int)));
        Assert.Equal(new byte[] { 1, 2, 3 }, (byte[])read.Single()["PayloadBinary"]!);
        Assert.Equal(1, read.Single()["Version"]);

        // Later writes name the version they read.
        Assert.Equal(2, (await Write(zone, 1, [4])).Scalar());
        Assert.Null((await Write(zone, 1, [5])).Scalar());

        // The extension and the string key are part of the identity, NULL included.
        var wholeLocation = StateOf(int.MinValue, -7, 9, null);
        var otherZone = StateOf(int.MinValue, -7, 9, "exit");
        Assert.Empty((await Read(wholeLocation)).Rows);
        Assert.Equal(1, (await Write(wholeLocation, null, [6])).Scalar());
        Assert.Equal(1, (await Write(otherZone, null, [7])).Scalar());
        Assert.Equal(new byte[] { 4 }, (byte[])(await Read(zone)).Single()["PayloadBinary"]!);

        // A string-keyed grain: long keys must not break the unique index.
        var store = StateOf(12345, 0, 0, new string('s', 5000));
        Assert.Equal(1, (await Write(store, null, [8])).Scalar());
        Assert.Null((await Write(store, null, [8])).Scalar());

        // Clear keeps the row with a NULL payload and a new version; the provider reads the first column.
        var cleared = await Clear(zone, 2);
        Assert.Equal(3, cleared.Scalar());
        Assert.Null((await Clear(zone, 2)).Scalar());
        Assert.Null((await Read(zone)).Single()["PayloadBinary"]);
        Assert.Equal(3, (await Read(zone)).Single()["Version"]);
        Assert.Equal(4, (await Write(zone, 3, [10])).Scalar());

        // Delete (DeleteStateOnClear) removes the row when the version matches and answers version + 1.
        Assert.Null((await Delete(zone, 3)).Scalar());
        Assert.Equal(5, (await Delete(zone, 4)).Scalar());
        Assert.Empty((await Read(zone)).Rows);
        Assert.Equal(1, (await Write(zone, null, [11])).Scalar());

        Assert.Equal(StorageKeys.Order(), queries.Run.Order());
    }

    private static readonly (string Name, Type Type)[] ReminderColumns =
    [
        ("GrainId", typeof(string)), ("ReminderName", typeof(string)), ("StartTime", typeof(DateTime)),
        ("Period", typeof(long)), ("Version", typeof(int)),
    ];

    [Fact]
    public async Task Reminder_queries_keep_names_ranges_and_etags()
    {
        var queries = await FreshSchemaAsync("reminders");
        var start = new DateTime(2025, 12, 24, 23, 45, 0, DateTimeKind.Utc);

        Task<OrleansQueryResult> Upsert(string grain, string name, int hash, OrleansParameter period, string service = "footfall") =>
            queries.ExecuteAsync("UpsertReminderRowKey",
                Text("ServiceId", service), Int("GrainHash", hash), Text("GrainId", grain), Text("ReminderName", name),
                Time("StartTime", start), period);

        var first = await Upsert("location/a", "rollup", -100, Int("Period", 60_000));
        first.AssertColumns(("Version", typeof(int)));
        var firstVersion = (int)first.Scalar()!;
        var updatedVersion = (int)(await Upsert("location/a", "rollup", -100, Int("Period", 120_000))).Scalar()!;
        Assert.NotEqual(firstVersion, updatedVersion);
        // Periods past int.MaxValue milliseconds (about 25 days) arrive as bigint.
        await Upsert("location/a", "monthly", -100, Long("Period", 40L * 24 * 3600 * 1000));
        await Upsert("location/b", "rollup", 0, Int("Period", 60_000));
        await Upsert("location/c", "rollup", 100, Int("Period", 60_000));
        await Upsert("location/d", "rollup", int.MaxValue, Int("Period", 60_000));
        await Upsert("location/a", "rollup", -100, Int("Period", 60_000), service: "other-service");

        var rows = await queries.ExecuteAsync("ReadReminderRowsKey", Text("ServiceId", "footfall"), Text("GrainId", "location/a"));
        rows.AssertColumns(ReminderColumns);
        Assert.Equal(["monthly", "rollup"], rows.Rows.Select(r => (string)r["ReminderName"]!).Order());
        Assert.Equal(40L * 24 * 3600 * 1000, rows.Rows.Single(r => (string)r["ReminderName"]! == "monthly")["Period"]);
        Assert.Equal(start, (DateTime)rows.Rows[0]["StartTime"]!);

        var one = await queries.ExecuteAsync("ReadReminderRowKey",
            Text("ServiceId", "footfall"), Text("GrainId", "location/a"), Text("ReminderName", "rollup"));
        one.AssertColumns(ReminderColumns);
        Assert.Equal((120_000L, updatedVersion), ((long)one.Single()["Period"]!, (int)one.Single()["Version"]!));
        Assert.Empty((await queries.ExecuteAsync("ReadReminderRowKey",
            Text("ServiceId", "footfall"), Text("GrainId", "location/a"), Text("ReminderName", "none"))).Rows);

        // Ring ranges (begin, end] on the signed hashes: plain when begin < end, wrapping otherwise.
        async Task<string[]> Range(string key, int begin, int end)
        {
            var result = await queries.ExecuteAsync(key, Text("ServiceId", "footfall"), Int("BeginHash", begin), Int("EndHash", end));
            result.AssertColumns(ReminderColumns);
            return result.Rows.Select(r => (string)r["GrainId"]!).Distinct().Order().ToArray();
        }

        Assert.Equal(["location/b", "location/c"], await Range("ReadRangeRows1Key", -100, 100));
        Assert.Equal(["location/a", "location/d"], await Range("ReadRangeRows2Key", 100, -100));
        Assert.Equal(["location/a", "location/b", "location/c", "location/d"], await Range("ReadRangeRows2Key", 5, 5));

        // Delete only with the current ETag, answered as one boolean.
        Task<OrleansQueryResult> Remove(int version) => queries.ExecuteAsync("DeleteReminderRowKey",
            Text("ServiceId", "footfall"), Text("GrainId", "location/a"), Text("ReminderName", "rollup"), Int("Version", version));
        Assert.False((await Remove(firstVersion)).Boolean());
        Assert.True((await Remove(updatedVersion)).Boolean());
        Assert.False((await Remove(updatedVersion)).Boolean());

        // Clearing a service leaves other services' reminders alone.
        await queries.ExecuteAsync("DeleteReminderRowsKey", Text("ServiceId", "footfall"));
        Assert.Empty(await Range("ReadRangeRows2Key", 0, 0));
        Assert.Single((await queries.ExecuteAsync("ReadReminderRowsKey",
            Text("ServiceId", "other-service"), Text("GrainId", "location/a"))).Rows);

        Assert.Equal(ReminderKeys.Order(), queries.Run.Order());
    }
}
