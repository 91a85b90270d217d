using System.Text.Json;
using HeatmapSaas.Tests.Api;
using HeatmapSaas.Tests.Webhooks;

namespace HeatmapSaas.Tests.Billing;

/// <summary>Paid periods on an injected clock: the app's TimeProvider is a fake the tests move forward.</summary>
// Slow: each test moves the fake clock a month or two, and the clock fires every periodic timer of the silo
// once per period passed (the expiry check every second among them): about 45 s each.
[Trait("Category", "Slow")]
public sealed class PlanExpiryTests(FixedClockWebhookApiHost host) : IClassFixture<FixedClockWebhookApiHost>
{
    [Fact]
    public async Task The_reminder_returns_an_unrenewed_tenant_to_free_without_any_request()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var tenant = await host.CreateTenantAsync("free");
        await WebhookDeliveryTests.RegisterAsync(tenant, receiver, "plan.expired");
        var start = host.Clock.GetUtcNow();
        await WebhookDeliveryTests.BuyProAsync(tenant);

        var paid = await tenant.Http.GetAsync("/v1/usage");
        Assert.Equal("10000", paid.Headers.GetValues("X-RateLimit-Limit").Single());
        var usage = await paid.Json(200);
        Assert.Equal("pro", usage.GetProperty("plan").GetString());
        Assert.Equal(Instant(start.AddDays(30)), usage.GetProperty("plan_expires_at").GetString());

        host.Clock.Advance(TimeSpan.FromDays(30));
        // No request reaches the tenant meanwhile: only its reminder can notice, and it says so with plan.expired.
        var expired = await receiver.NextOfAsync("plan.expired");
        var data = expired.Json.GetProperty("data");
        Assert.Equal(tenant.Id, data.GetProperty("tenant_id").GetInt64());
        Assert.Equal("pro", data.GetProperty("previous_plan").GetString());
        Assert.Equal(Instant(start.AddDays(30)), data.GetProperty("expired_at").GetString());

        var after = await tenant.Http.GetAsync("/v1/usage");
        Assert.Equal("100", after.Headers.GetValues("X-RateLimit-Limit").Single());
        var free = await after.Json(200);
        Assert.Equal("free", free.GetProperty("plan").GetString());
        Assert.Equal(JsonValueKind.Null, free.GetProperty("plan_expires_at").ValueKind);
    }

    [Fact]
    public async Task A_renewal_extends_from_the_current_end_and_the_plan_ends_at_that_instant()
    {
        var tenant = await host.CreateTenantAsync("free");
        var start = host.Clock.GetUtcNow();
        await WebhookDeliveryTests.BuyProAsync(tenant);
        host.Clock.Advance(TimeSpan.FromDays(29));
        await WebhookDeliveryTests.BuyProAsync(tenant);
        var renewed = await (await tenant.Http.GetAsync("/v1/usage")).Json(200);
        Assert.Equal(Instant(start.AddDays(60)), renewed.GetProperty("plan_expires_at").GetString());

        host.Clock.Advance(TimeSpan.FromDays(31) - TimeSpan.FromSeconds(1));
        var lastSecond = await tenant.Http.GetAsync("/v1/usage");
        Assert.Equal("pro", (await lastSecond.Json(200)).GetProperty("plan").GetString());

        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var ended = await tenant.Http.GetAsync("/v1/usage");
        Assert.Equal("free", (await ended.Json(200)).GetProperty("plan").GetString());
        Assert.Equal("100", ended.Headers.GetValues("X-RateLimit-Limit").Single());
    }

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
