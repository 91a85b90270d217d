using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using HeatmapSaas.Tests.Api;
using HeatmapSaas.Tests.Support;
using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>
/// The product as it is deployed: separate OS processes (<c>dotnet HeatmapSaas.Api.dll</c>, <c>dotnet
/// HeatmapSaas.Silo.dll</c>) on loopback against the test run's PostgreSQL, each test on a fresh database. Every
/// failure message carries the output of the nodes; every node is killed when the test ends.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class ClusterProcessTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const string AdminKey = "process-admin-key";
    private const string ClusterId = "heatmap";

    /// <summary>Orleans' <c>SiloStatus.Active</c> as the membership table stores it.</summary>
    private const int ActiveStatus = 3;

    /// <summary>Bounds, not expectations: a cold start (JIT, schema, cluster join) takes seconds.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly List<NodeProcess> nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public Task A_tenant_a_location_and_a_heatmap_survive_a_restart_of_the_process() => WithNodeOutput(async () =>
    {
        var database = postgres.CreateDatabase("process_restart");
        var ports = DistinctFreePorts(3);
        // The restarted process takes the same ports, as a restarted service does: it is the same silo, a newer
        // generation of it, and supersedes the killed one in the membership table.
        var environment = Settings(database, new()
        {
            ["Orleans__SiloPort"] = Text(ports[1]),
            ["Orleans__GatewayPort"] = Text(ports[2]),
        });

        var first = Start("api", NodeProcess.ApiAssembly, ports[0], environment);
        await first.WaitUntilOkAsync("/health/ready", StartTimeout);

        JsonElement tenant, location, heatmap, locationList, heatmapList, keyList;
        using (var admin = Client(first, AdminKey))
        {
            tenant = await (await admin.PostAsJsonAsync("/v1/tenants", new { name = "Acme", plan = "pro", timezone = "America/Los_Angeles" })).Json(201);
        }

        var key = tenant.GetProperty("api_key").GetString()!;
        using (var http = Client(first, key))
        {
            location = await (await http.PostAsJsonAsync("/v1/locations", new
            {
                name = "Store A - Main Branch",
                address = "1 Battery Street, San Francisco, CA 94111",
                latitude = 37.7922,
                longitude = -122.3942,
                type = "retail",
                timezone = "America/Los_Angeles",
            })).Json(201);
            Assert.Equal("store-a-main-branch", location.GetProperty("slug").GetString());
            heatmap = await (await http.PostAsJsonAsync("/v1/heatmaps", new
            {
                name = "Store A - Customer Flow",
                location_id = "store-a-main-branch",
                type = "customer_flow",
                timezone = "America/Los_Angeles",
                refresh_interval = 3600,
            })).Json(201);
            locationList = await (await http.GetAsync("/v1/locations")).Json(200);
            heatmapList = await (await http.GetAsync("/v1/heatmaps")).Json(200);
            keyList = await (await http.GetAsync("/v1/api-keys")).Json(200);
        }

        await first.KillAsync();
        Assert.True(first.HasExited, $"{first.Name} survived Kill.");

        var second = Start("api (restarted)", NodeProcess.ApiAssembly, ports[0], environment);
        await second.WaitUntilOkAsync("/health/ready", StartTimeout);

        var locationId = location.GetProperty("id").GetString()!;
        var heatmapId = heatmap.GetProperty("id").GetString()!;
        using (var http = Client(second, key))
        {
            // Every read answers exactly what it answered before the kill.
            AssertSameJson(location, await (await http.GetAsync($"/v1/locations/{locationId}")).Json(200));
            AssertSameJson(location, await (await http.GetAsync("/v1/locations/store-a-main-branch")).Json(200));
            AssertSameJson(heatmap, await (await http.GetAsync($"/v1/heatmaps/{heatmapId}")).Json(200));
            AssertSameJson(locationList, await (await http.GetAsync("/v1/locations")).Json(200));
            AssertSameJson(heatmapList, await (await http.GetAsync("/v1/heatmaps")).Json(200));
            // The key authenticated these requests; it is listed as before (last_used_at moves on, so not compared).
            Assert.Equal(KeyIds(keyList), KeyIds(await (await http.GetAsync("/v1/api-keys")).Json(200)));
            Assert.Equal(1, locationList.GetProperty("pagination").GetProperty("total").GetInt32());
            Assert.Equal(1, locationList.GetProperty("locations")[0].GetProperty("heatmaps_count").GetInt32());
            Assert.Equal(heatmapId, Assert.Single(heatmapList.GetProperty("heatmaps").EnumerateArray()).GetProperty("id").GetString());

            // And writes continue from the stored state, not from an empty one: the slug is still taken.
            var again = await (await http.PostAsJsonAsync("/v1/locations", new { name = "Store A - Main Branch" })).Json(201);
            Assert.Equal("store-a-main-branch-2", again.GetProperty("slug").GetString());
        }

        using (var admin = Client(second, AdminKey))
        {
            var other = await (await admin.PostAsJsonAsync("/v1/tenants", new { name = "Globex", plan = "free" })).Json(201);
            Assert.NotEqual(tenant.GetProperty("id").GetInt64(), other.GetProperty("id").GetInt64());
        }
    });

    [Fact]
    public Task Two_silo_processes_and_one_client_mode_API_form_a_cluster_and_serve_requests() => WithNodeOutput(async () =>
    {
        var database = postgres.CreateDatabase("process_cluster");
        var ports = DistinctFreePorts(7);
        var siloPorts = new[] { ports[1], ports[4] };
        var silos = new[]
        {
            Start("silo 1", NodeProcess.SiloAssembly, ports[0], Settings(database, new()
            {
                ["Orleans__SiloPort"] = Text(ports[1]),
                ["Orleans__GatewayPort"] = Text(ports[2]),
            })),
            Start("silo 2", NodeProcess.SiloAssembly, ports[3], Settings(database, new()
            {
                ["Orleans__SiloPort"] = Text(ports[4]),
                ["Orleans__GatewayPort"] = Text(ports[5]),
            })),
        };
        await Task.WhenAll(silos.Select(s => s.WaitUntilOkAsync("/health/live", StartTimeout)));
        // The client finds gateways in the membership table: start it once both silos are there.
        await WaitForActiveSilosAsync(database, siloPorts);

        var api = Start("api (client)", NodeProcess.ApiAssembly, ports[6], Settings(database, new()
        {
            ["Heatmap__Silo__Enabled"] = "false",
        }));
        await api.WaitUntilOkAsync("/health/ready", StartTimeout);

        using (var anonymous = Client(api, null))
        {
            var ready = await (await anonymous.GetAsync("/health/ready")).Json(200);
            Assert.Equal("ok", ready.GetProperty("cluster").GetString());
            Assert.Equal("ok", ready.GetProperty("database").GetString());
        }

        JsonElement tenant;
        using (var admin = Client(api, AdminKey))
        {
            tenant = await (await admin.PostAsJsonAsync("/v1/tenants", new { name = "Acme", plan = "enterprise" })).Json(201);
        }

        using (var http = Client(api, tenant.GetProperty("api_key").GetString()))
        {
            var location = await (await http.PostAsJsonAsync("/v1/locations", new { name = "Madison Ave Store", type = "retail" })).Json(201);
            var locationId = location.GetProperty("id").GetString()!;
            var heatmap = await (await http.PostAsJsonAsync("/v1/heatmaps", new { name = "Flow", location_id = locationId, type = "customer_flow" })).Json(201);
            var heatmapId = heatmap.GetProperty("id").GetString()!;

            AssertSameJson(location, await (await http.GetAsync($"/v1/locations/{locationId}")).Json(200));
            AssertSameJson(location, await (await http.GetAsync("/v1/locations/madison-ave-store")).Json(200));
            AssertSameJson(heatmap, await (await http.GetAsync($"/v1/heatmaps/{heatmapId}")).Json(200));
            var locations = await (await http.GetAsync("/v1/locations")).Json(200);
            var listed = Assert.Single(locations.GetProperty("locations").EnumerateArray());
            Assert.Equal(locationId, listed.GetProperty("id").GetString());
            Assert.Equal(1, listed.GetProperty("heatmaps_count").GetInt32());
            var heatmaps = await (await http.GetAsync($"/v1/heatmaps?location_id={locationId}")).Json(200);
            Assert.Equal(heatmapId, Assert.Single(heatmaps.GetProperty("heatmaps").EnumerateArray()).GetProperty("id").GetString());
        }

        // Two silos, and only them: the client-mode API is no member of the cluster.
        var active = await ActiveSilosAsync(database);
        Assert.Equal(siloPorts.Order(), active.Select(s => s.Port).Order());
        Assert.All(active, s => Assert.Equal("127.0.0.1", s.Address));
        Assert.All(silos, s => Assert.False(s.HasExited, $"{s.Name} exited."));
    });

    // ---- helpers ----

    private NodeProcess Start(string name, string assembly, int httpPort, IReadOnlyDictionary<string, string> environment)
    {
        var node = NodeProcess.Start(name, assembly, httpPort, environment);
        nodes.Add(node);
        return node;
    }

    /// <summary>Runs the test body and, when it fails, adds every node's output to the failure message.</summary>
    private async Task WithNodeOutput(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception e)
        {
            throw new XunitException($"{e.GetType().Name}: {e.Message}\n\n{NodeProcess.Outputs(nodes)}", e);
        }
    }

    private static Dictionary<string, string> Settings(string database, Dictionary<string, string> extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["Heatmap__AdminKey"] = AdminKey,
            ["Heatmap__Demo__Enabled"] = "false",
            ["Orleans__ClusterId"] = ClusterId,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static HttpClient Client(NodeProcess node, string? apiKey)
    {
        var client = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {apiKey}");
        }

        return client;
    }

    private static void AssertSameJson(JsonElement expected, JsonElement actual) =>
        Assert.Equal(expected.GetRawText(), actual.GetRawText());

    private static string[] KeyIds(JsonElement list) =>
        [.. list.GetProperty("api_keys").EnumerateArray().Select(k => k.GetProperty("id").GetString()!)];

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static int[] DistinctFreePorts(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            ports.Add(FreePort.Next());
        }

        return [.. ports];
    }

    private sealed record SiloRow(string Address, int Port, int ProxyPort);

    private static async Task<IReadOnlyList<SiloRow>> ActiveSilosAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT address, port, proxy_port FROM orleans_silo WHERE deployment_id = @cluster AND status = @active",
            connection);
        command.Parameters.AddWithValue("cluster", ClusterId);
        command.Parameters.AddWithValue("active", ActiveStatus);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<SiloRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new SiloRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2)));
        }

        return rows;
    }

    /// <summary>Polls the membership table until exactly the silos on <paramref name="siloPorts"/> are active.</summary>
    private async Task WaitForActiveSilosAsync(string database, IReadOnlyCollection<int> siloPorts)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        IReadOnlyList<SiloRow> active = [];
        while (!timeout.IsCancellationRequested)
        {
            active = await ActiveSilosAsync(database);
            if (active.Select(s => s.Port).Order().SequenceEqual(siloPorts.Order()))
            {
                return;
            }

            if (nodes.FirstOrDefault(n => n.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"{exited.Name} exited while the cluster formed.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException(
            $"The membership table did not list silos on ports {string.Join(", ", siloPorts)} as active within " +
            $"{StartTimeout.TotalSeconds} s; it lists: {string.Join(", ", active)}");
    }
}
