using HeatmapSaas.Tests.Api;
using HeatmapSaas.Tests.Webhooks;

namespace HeatmapSaas.Tests.Billing;

/// <summary>Seed 000's Payments and Webhooks requests, sent as the document shows them.</summary>
public sealed class SeedPaymentExamplesTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Seed_000_payment_intent_and_confirm_work_verbatim()
    {
        var tenant = await host.CreateTenantAsync("free");
        var intent = await (await tenant.Http.PostAsync("/v1/payments/intent", HttpAssertions.JsonBody("""
            {
              "amount": 9999,
              "currency": "USD",
              "customer_id": "cust_123",
              "plan_id": "plan_pro",
              "description": "Pro Plan - Monthly Subscription"
            }
            """))).Json(201);
        var intentId = intent.GetProperty("intent_id").GetString()!;
        Assert.StartsWith("pi_", intentId);
        Assert.StartsWith(intentId + "_secret_", intent.GetProperty("client_secret").GetString());
        Assert.Equal(9999, intent.GetProperty("amount").GetInt64());
        Assert.Equal("USD", intent.GetProperty("currency").GetString());
        Assert.Equal("requires_payment_method", intent.GetProperty("status").GetString());

        var confirmed = await (await tenant.Http.PostAsync($"/v1/payments/{intentId}/confirm", HttpAssertions.JsonBody("""
            {
              "payment_method_id": "pm_123456"
            }
            """))).Json(200);
        Assert.Equal(intentId, confirmed.GetProperty("intent_id").GetString());
        Assert.Equal("succeeded", confirmed.GetProperty("status").GetString());
        Assert.StartsWith("txn_", confirmed.GetProperty("transaction_id").GetString());
        Assert.Equal(9999, confirmed.GetProperty("amount").GetInt64());
        Assert.Equal("USD", confirmed.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task Seed_000_webhook_registration_works_verbatim()
    {
        var tenant = await host.CreateTenantAsync();
        var webhook = await (await tenant.Http.PostAsync("/v1/webhooks", HttpAssertions.JsonBody("""
            {
              "url": "https://your-domain.com/webhooks/heatmap",
              "events": ["heatmap.data_updated", "payment.succeeded"],
              "active": true
            }
            """))).Json(201);
        Assert.StartsWith("webhook_", webhook.GetProperty("id").GetString());
        Assert.Equal("https://your-domain.com/webhooks/heatmap", webhook.GetProperty("url").GetString());
        Assert.Equal(["heatmap.data_updated", "payment.succeeded"], webhook.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.StartsWith("whsec_", webhook.GetProperty("secret").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", webhook.GetProperty("created_at").GetString());
    }
}

/// <summary>Seed 000's event bodies as a receiver gets them, from the seed's own registration request.</summary>
public sealed class SeedWebhookEventTests(WebhookApiHost host) : IClassFixture<WebhookApiHost>
{
    [Fact]
    public async Task Seed_000_payment_succeeded_event_has_the_seed_shape()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var tenant = await host.CreateTenantAsync("free");
        await (await tenant.Http.PostAsync("/v1/webhooks", HttpAssertions.JsonBody($$"""
            {
              "url": "{{receiver.Url}}",
              "events": ["heatmap.data_updated", "payment.succeeded"],
              "active": true
            }
            """))).Json(201);
        var confirmed = await WebhookDeliveryTests.BuyProAsync(tenant);

        var received = await receiver.NextOfAsync("payment.succeeded");
        var body = received.Json;
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", body.GetProperty("timestamp").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(confirmed.GetProperty("intent_id").GetString(), data.GetProperty("intent_id").GetString());
        Assert.Equal(confirmed.GetProperty("transaction_id").GetString(), data.GetProperty("transaction_id").GetString());
        Assert.Equal(9999, data.GetProperty("amount").GetInt64());
        Assert.Equal("cust_123", data.GetProperty("customer_id").GetString());
    }
}
