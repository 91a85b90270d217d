using System.Text.Json;
using HeatmapSaas.Grains.Webhooks;
using HeatmapSaas.Tests.Api;

namespace HeatmapSaas.Tests.Webhooks;

/// <summary>One tenant's endpoints that never answer hold at most its own share of the sender.</summary>
public sealed class WebhookFairnessTests(PatientWebhookApiHost host) : IClassFixture<PatientWebhookApiHost>
{
    [Fact]
    public async Task A_tenant_with_many_hanging_endpoints_does_not_delay_another_tenants_first_attempt()
    {
        // Accepts every request and answers none while held: each send waits out the host's two-minute timeout.
        await using var hanging = await WebhookReceiver.StartAsync();
        hanging.Hold = new TaskCompletionSource();
        await using var fast = await WebhookReceiver.StartAsync();
        var noisy = await host.CreateTenantAsync();
        const int endpoints = 20; // more than the sender's 16 slots
        for (var i = 0; i < endpoints; i++)
        {
            var body = JsonSerializer.Serialize(new { url = $"{hanging.Url}?endpoint={i}", events = new[] { "payment.succeeded" } });
            await (await noisy.Http.PostAsync("/v1/webhooks", HttpAssertions.JsonBody(body))).Json(201);
        }

        await WebhookDeliveryTests.BuyProAsync(noisy);
        await hanging.NextAsync();

        var quiet = await host.CreateTenantAsync();
        await WebhookDeliveryTests.RegisterAsync(quiet, fast, "payment.succeeded");
        await WebhookDeliveryTests.BuyProAsync(quiet);
        var delivered = await fast.NextAsync();
        Assert.Equal("payment.succeeded", delivered.Event);

        // Still all hanging, and no more of them than the per-tenant share (4) were ever started.
        Assert.Equal(0, hanging.HeldEnded);
        var started = 1;
        while (hanging.TryTake(out _))
        {
            started++;
        }

        Assert.InRange(started, 1, 4);
        hanging.Hold.SetResult();
    }

    [Fact]
    public void Claims_take_tenants_in_turns_within_each_tenants_free_share()
    {
        // Due order: tenant 1 has a backlog, tenant 2 and 3 one each, tenant 4 already has its share in flight.
        var due = new[] { (1L, "a1"), (1L, "a2"), (1L, "a3"), (1L, "a4"), (4L, "d1"), (2L, "b1"), (1L, "a5"), (3L, "c1") };
        var share = new TenantShare(3, new Dictionary<long, int> { [1] = 1, [4] = 3 });

        var picked = share.Pick(due, d => d.Item1, max: 10).Select(d => d.Item2).ToList();

        // Tenant 1's first pick is its second send in flight, so it comes after the others' first.
        Assert.Equal(["b1", "c1", "a1", "a2"], picked);
        Assert.Equal(["b1", "c1"], share.Pick(due, d => d.Item1, max: 2).Select(d => d.Item2));
    }
}
