using System.Globalization;
using System.Net.Http.Json;
using HeatmapSaas.Tests.Api;
using HeatmapSaas.Tests.Postgres;
using HeatmapSaas.Tests.Support;
using Npgsql;
using Xunit.Sdk;

namespace HeatmapSaas.Tests.Webhooks;

/// <summary>
/// PostgreSQL mode as deployed: the product runs as its own process, is killed (as kill -9 would) while deliveries
/// wait in the outbox, and is started again; the deliveries then arrive, under the webhook-ids they had before.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class OutboxRestartTests(PostgresFixture postgres)
{
    private const string AdminKey = "outbox-admin-key";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Pending_deliveries_survive_a_killed_process_and_arrive_after_restart_with_their_ids()
    {
        var database = postgres.CreateDatabase("outbox_restart");
        await using var receiver = await WebhookReceiver.StartAsync();

        var ports = new HashSet<int>();
        while (ports.Count < 3)
        {
            ports.Add(FreePort.Next());
        }

        var p = ports.ToArray();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["Heatmap__AdminKey"] = AdminKey,
            ["Heatmap__Demo__Enabled"] = "false",
            ["Orleans__SiloPort"] = Text(p[1]),
            ["Orleans__GatewayPort"] = Text(p[2]),
            ["Heatmap__Webhooks__AllowPrivateTargets"] = "true",
            ["Heatmap__Webhooks__RetryBase"] = "00:00:00.200",
            ["Heatmap__Webhooks__PollInterval"] = "00:00:00.100",
            ["Heatmap__Webhooks__Timeout"] = "00:00:02",
        };

        await using var first = NodeProcess.Start("api", NodeProcess.ApiAssembly, p[0], environment);
        await using var second = new Restart(() => NodeProcess.Start("api (restarted)", NodeProcess.ApiAssembly, p[0], environment));
        try
        {
            await RunAsync(first, second, receiver, database);
        }
        catch (Exception e)
        {
            throw new XunitException($"{e.GetType().Name}: {e.Message}\n\n{first.Output()}\n{second.Node?.Output()}", e);
        }
    }

    private static async Task RunAsync(NodeProcess first, Restart restart, WebhookReceiver receiver, string database)
    {
        var accepting = false;
        receiver.Script = _ => (Volatile.Read(ref accepting) ? 200 : 500, null);
        await first.WaitUntilOkAsync("/health/ready", StartTimeout);
        string key, secret;
        using (var admin = Client(first, AdminKey))
        {
            key = (await (await admin.PostAsJsonAsync("/v1/tenants", new { name = "Acme", plan = "free" })).Json(201))
                .GetProperty("api_key").GetString()!;
        }

        using (var http = Client(first, key))
        {
            secret = (await (await http.PostAsJsonAsync("/v1/webhooks", new
            {
                url = receiver.Url.ToString(),
                events = new[] { "payment.succeeded", "heatmap.created" },
            })).Json(201)).GetProperty("secret").GetString()!;
            var intent = await (await http.PostAsJsonAsync("/v1/payments/intent",
                new { amount = 9999, currency = "USD", plan_id = "plan_pro" })).Json(201);
            await (await http.PostAsJsonAsync($"/v1/payments/{intent.GetProperty("intent_id").GetString()}/confirm",
                new { payment_method_id = "pm_123456" })).Json(200);
            var location = await (await http.PostAsJsonAsync("/v1/locations", new { name = "Store A" })).Json(201);
            await (await http.PostAsJsonAsync("/v1/heatmaps",
                new { name = "Flow", location_id = location.GetProperty("id").GetString(), type = "customer_flow" })).Json(201);
        }

        // Both deliveries have been tried (and refused) once: they are in the outbox, pending.
        var idsBefore = new HashSet<string>();
        while (idsBefore.Count < 2)
        {
            idsBefore.Add((await receiver.NextAsync()).Id);
        }

        await first.KillAsync();
        Assert.True(await PendingAsync(database) >= 2, "the outbox lost deliveries that were accepted");
        Volatile.Write(ref accepting, true);

        var second = restart.Start();
        await second.WaitUntilOkAsync("/health/ready", StartTimeout);
        var delivered = new Dictionary<string, ReceivedWebhook>();
        while (delivered.Count < 2)
        {
            var next = await receiver.NextAsync(TimeSpan.FromSeconds(120));
            Assert.Contains(next.Id, idsBefore); // a retry, never a new message for the same event
            Assert.True(next.SignatureValid(secret));
            if (next.AnsweredStatus == 200)
            {
                delivered[next.Id] = next;
            }
        }

        Assert.Equal(["heatmap.created", "payment.succeeded"], delivered.Values.Select(d => d.Event).Order());
        // The sender records the answer just after the receiver gave it: poll for that state.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await PendingAsync(database) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "delivered messages stayed pending in the outbox");
            await Task.Delay(100);
        }
    }

    private static async Task<long> PendingAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM webhook_delivery WHERE status = 0", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The second generation of the node, started by the test when it is time, disposed with it.</summary>
    private sealed class Restart(Func<NodeProcess> start) : IAsyncDisposable
    {
        public NodeProcess? Node { get; private set; }

        public NodeProcess Start() => Node = start();

        public ValueTask DisposeAsync() => Node?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private static HttpClient Client(NodeProcess node, string apiKey)
    {
        var client = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {apiKey}");
        return client;
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}
