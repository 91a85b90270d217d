using System.Globalization;
using System.Text.Json;
using HeatmapSaas.Tests.Api;

namespace HeatmapSaas.Tests.Webhooks;

/// <summary>Deliveries to a real receiver on 127.0.0.1 (the host allows private targets), checked as a receiver would.</summary>
public sealed class WebhookDeliveryTests(WebhookApiHost host) : IClassFixture<WebhookApiHost>
{
    [Fact]
    public async Task Heatmap_created_arrives_signed_the_standard_webhooks_way()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var tenant = await host.CreateTenantAsync();
        var (webhookId, secret) = await RegisterAsync(tenant, receiver, "heatmap.created");

        var location = await (await tenant.Http.PostAsync("/v1/locations", HttpAssertions.JsonBody("""{"name":"Store A"}"""))).Json(201);
        var heatmap = await (await tenant.Http.PostAsync("/v1/heatmaps", HttpAssertions.JsonBody($$"""
            {"name":"Store A - Customer Flow","location_id":"{{location.GetProperty("id").GetString()}}","type":"customer_flow"}
            """))).Json(201);

        var received = await receiver.NextAsync();
        Assert.Equal("heatmap.created", received.Event);
        var data = received.Json.GetProperty("data");
        Assert.Equal(heatmap.GetProperty("id").GetString(), data.GetProperty("heatmap_id").GetString());
        Assert.Equal(location.GetProperty("id").GetString(), data.GetProperty("location_id").GetString());
        Assert.Equal("Store A - Customer Flow", data.GetProperty("name").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", received.Json.GetProperty("timestamp").GetString());
        Assert.StartsWith("msg_", received.Id);
        Assert.True(long.TryParse(received.Headers["webhook-timestamp"], NumberStyles.None, CultureInfo.InvariantCulture, out _));
        Assert.StartsWith("application/json", received.Headers["content-type"]);
        Assert.True(received.SignatureValid(secret), "the signature does not verify with the endpoint's secret");
        Assert.False(received.SignatureValid("whsec_" + Convert.ToBase64String(new byte[32])));

        var deliveries = await WaitForDeliveryAsync(tenant, webhookId, d => d.GetProperty("status").GetString() == "succeeded");
        Assert.Equal(received.Id, deliveries.GetProperty("id").GetString());
        var attempt = Assert.Single(deliveries.GetProperty("attempts").EnumerateArray());
        Assert.Equal(200, attempt.GetProperty("status_code").GetInt32());
    }

    [Fact]
    public async Task Failures_are_retried_with_the_same_webhook_id_and_a_fresh_signature_each_time()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script = n => (n <= 2 ? 500 : 200, null);
        var tenant = await host.CreateTenantAsync("free");
        var (webhookId, secret) = await RegisterAsync(tenant, receiver, "payment.succeeded");
        var intent = await BuyProAsync(tenant);

        var attempts = new[] { await receiver.NextAsync(), await receiver.NextAsync(), await receiver.NextAsync() };
        Assert.Equal([500, 500, 200], attempts.Select(a => a.AnsweredStatus));
        Assert.Single(attempts.Select(a => a.Id).Distinct());
        Assert.All(attempts, a => Assert.True(a.SignatureValid(secret)));
        Assert.Single(attempts.Select(a => a.Body).Distinct());

        var data = attempts[2].Json.GetProperty("data");
        Assert.Equal("payment.succeeded", attempts[2].Event);
        Assert.Equal(intent.GetProperty("intent_id").GetString(), data.GetProperty("intent_id").GetString());
        Assert.Equal(intent.GetProperty("transaction_id").GetString(), data.GetProperty("transaction_id").GetString());
        Assert.Equal(9999, data.GetProperty("amount").GetInt64());
        Assert.Equal("cust_123", data.GetProperty("customer_id").GetString());

        var delivery = await WaitForDeliveryAsync(tenant, webhookId, d => d.GetProperty("status").GetString() == "succeeded");
        Assert.Equal([500, 500, 200], delivery.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status_code").GetInt32()));
        Assert.Equal([1, 2, 3], delivery.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("number").GetInt32()));
    }

    [Fact]
    public async Task Retry_after_on_429_and_503_is_waited_out()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Script = n => n switch
        {
            1 => (429, new Dictionary<string, string> { ["Retry-After"] = "1" }),
            2 => (503, new Dictionary<string, string> { ["Retry-After"] = "2" }),
            _ => (200, null),
        };
        var tenant = await host.CreateTenantAsync("free");
        var (webhookId, _) = await RegisterAsync(tenant, receiver, "payment.succeeded");
        await BuyProAsync(tenant);

        var first = await receiver.NextAsync();
        var second = await receiver.NextAsync();
        var third = await receiver.NextAsync();
        // Without Retry-After these retries would follow within milliseconds (the host's backoff base is 50 ms).
        Assert.True(second.ReceivedAt - first.ReceivedAt >= TimeSpan.FromSeconds(1), $"retried after {second.ReceivedAt - first.ReceivedAt}");
        Assert.True(third.ReceivedAt - second.ReceivedAt >= TimeSpan.FromSeconds(2), $"retried after {third.ReceivedAt - second.ReceivedAt}");
        await WaitForDeliveryAsync(tenant, webhookId, d => d.GetProperty("status").GetString() == "succeeded");
    }

    [Fact]
    public async Task A_410_disables_the_endpoint_and_it_receives_nothing_more()
    {
        await using var gone = await WebhookReceiver.StartAsync();
        gone.Script = _ => (410, null);
        await using var alive = await WebhookReceiver.StartAsync();
        var tenant = await host.CreateTenantAsync("free");
        var (goneId, _) = await RegisterAsync(tenant, gone, "payment.succeeded");

        await BuyProAsync(tenant);
        Assert.Equal(410, (await gone.NextAsync()).AnsweredStatus);
        var endpoint = await PollAsync(async () =>
        {
            var w = await (await tenant.Http.GetAsync($"/v1/webhooks/{goneId}")).Json(200);
            return w.GetProperty("active").GetBoolean() ? (JsonElement?)null : w;
        });
        Assert.Equal("gone", endpoint.GetProperty("disabled_reason").GetString());
        var failed = await WaitForDeliveryAsync(tenant, goneId, d => d.GetProperty("status").GetString() == "failed");
        Assert.Single(failed.GetProperty("attempts").EnumerateArray());

        // The next event reaches a live endpoint and queues nothing for the disabled one.
        var (aliveId, _) = await RegisterAsync(tenant, alive, "payment.succeeded");
        await BuyProAsync(tenant);
        await alive.NextAsync();
        var list = await (await tenant.Http.GetAsync($"/v1/webhooks/{goneId}/deliveries")).Json(200);
        Assert.Equal(1, list.GetProperty("pagination").GetProperty("total").GetInt32());
        Assert.False(gone.TryTake(out _));
        Assert.NotEqual(goneId, aliveId);
    }

    [Fact]
    public async Task Data_updated_reports_the_new_samples_and_the_newest_sample_time()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var tenant = await host.CreateTenantAsync();
        await RegisterAsync(tenant, receiver, "heatmap.data_updated");
        var (location, heatmapId) = await CreateHeatmapAsync(tenant);

        var newest = DateTimeOffset.UtcNow.AddMinutes(-1);
        newest = new DateTimeOffset(newest.Ticks - newest.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        string Ts(int secondsBefore) => newest.AddSeconds(-secondsBefore).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody($$"""
            {"batch_id":"b-1","gateway_id":"gw-1","events":[
              {"type":"position","track_id":"t-1","ts":"{{Ts(4)}}","x":100,"y":100},
              {"type":"position","track_id":"t-1","ts":"{{Ts(2)}}","x":110,"y":100},
              {"type":"position","track_id":"t-2","ts":"{{Ts(0)}}","x":500,"y":500}]}
            """))).Json(202);

        var notice = await receiver.NextOfAsync("heatmap.data_updated");
        var data = notice.Json.GetProperty("data");
        Assert.Equal(heatmapId, data.GetProperty("heatmap_id").GetString());
        Assert.Equal(3, data.GetProperty("new_data_points").GetInt64());
        Assert.Equal(Ts(0), data.GetProperty("last_update").GetString());
    }

    // Slow: waits out the shortest refresh interval, a minute of real time.
    [Fact]
    [Trait("Category", "Slow")]
    public async Task The_next_data_updated_comes_a_refresh_interval_later_even_from_a_deactivated_heatmap()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var tenant = await host.CreateTenantAsync();
        await RegisterAsync(tenant, receiver, "heatmap.data_updated");
        var (location, heatmapId) = await CreateHeatmapAsync(tenant);

        await IngestAsync(tenant, location, "c-1", 2);
        var first = await receiver.NextOfAsync("heatmap.data_updated");
        Assert.Equal(2, first.Json.GetProperty("data").GetProperty("new_data_points").GetInt64());
        await IngestAsync(tenant, location, "c-2", 5);

        // Every idle activation goes, the heatmap's included; only its reminder can bring it back.
        var management = ((Orleans.IGrainFactory)host.Services.GetService(typeof(Orleans.IGrainFactory))!)
            .GetGrain<Orleans.Runtime.IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        var active = await management.GetDetailedGrainStatistics();
        Assert.DoesNotContain(active, g => g.GrainId.Key.ToString() == heatmapId);

        var second = await receiver.NextOfAsync("heatmap.data_updated", TimeSpan.FromSeconds(180));
        Assert.Equal(5, second.Json.GetProperty("data").GetProperty("new_data_points").GetInt64());
        var gap = DateTimeOffset.Parse(second.Json.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture)
                  - DateTimeOffset.Parse(first.Json.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(gap >= TimeSpan.FromSeconds(59), $"two notices {gap} apart, refresh_interval is 60 s");
    }

    /// <summary>A location and a customer-flow heatmap over it with the shortest refresh interval.</summary>
    private static async Task<(string LocationId, string HeatmapId)> CreateHeatmapAsync(TestTenant tenant)
    {
        var location = (await (await tenant.Http.PostAsync("/v1/locations", HttpAssertions.JsonBody("""{"name":"Store"}"""))).Json(201))
            .GetProperty("id").GetString()!;
        var heatmap = (await (await tenant.Http.PostAsync("/v1/heatmaps", HttpAssertions.JsonBody($$"""
            {"name":"Flow","location_id":"{{location}}","type":"customer_flow","refresh_interval":60}
            """))).Json(201)).GetProperty("id").GetString()!;
        return (location, heatmap);
    }

    private static async Task IngestAsync(TestTenant tenant, string location, string batchId, int positions)
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(-30).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var events = string.Join(",", Enumerable.Range(0, positions).Select(i =>
            $$"""{"type":"position","track_id":"t-{{batchId}}","ts":"{{at}}","x":{{100 + i}},"y":100}"""));
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(
            $$"""{"batch_id":"{{batchId}}","gateway_id":"gw-1","events":[{{events}}]}"""))).Json(202);
    }

    // ---- helpers ----

    internal static async Task<(string Id, string Secret)> RegisterAsync(TestTenant tenant, WebhookReceiver receiver, params string[] events)
    {
        var body = JsonSerializer.Serialize(new { url = receiver.Url.ToString(), events, active = true });
        var created = await (await tenant.Http.PostAsync("/v1/webhooks", HttpAssertions.JsonBody(body))).Json(201);
        return (created.GetProperty("id").GetString()!, created.GetProperty("secret").GetString()!);
    }

    internal static async Task<JsonElement> BuyProAsync(TestTenant tenant)
    {
        var intent = await (await tenant.Http.PostAsync("/v1/payments/intent", HttpAssertions.JsonBody(
            """{"amount":9999,"currency":"USD","customer_id":"cust_123","plan_id":"plan_pro"}"""))).Json(201);
        return await (await tenant.Http.PostAsync($"/v1/payments/{intent.GetProperty("intent_id").GetString()}/confirm",
            HttpAssertions.JsonBody("""{"payment_method_id":"pm_123456"}"""))).Json(200);
    }

    /// <summary>Polls the deliveries of an endpoint until its first delivery matches (state, not timing).</summary>
    internal static Task<JsonElement> WaitForDeliveryAsync(TestTenant tenant, string webhookId, Func<JsonElement, bool> done) =>
        PollAsync(async () =>
        {
            var list = await (await tenant.Http.GetAsync($"/v1/webhooks/{webhookId}/deliveries")).Json(200);
            var first = list.GetProperty("deliveries").EnumerateArray().FirstOrDefault();
            return first.ValueKind == JsonValueKind.Object && done(first) ? first : null;
        });

    internal static async Task<JsonElement> PollAsync(Func<Task<JsonElement?>> probe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The state did not arrive within 60 s");
            }

            await Task.Delay(50);
        }
    }
}
