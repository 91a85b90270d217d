namespace HeatmapSaas.Tests.Webhooks;

public sealed class SlowEndpointTests(PatientWebhookApiHost host) : IClassFixture<PatientWebhookApiHost>
{
    [Fact]
    public async Task A_receiver_that_does_not_answer_holds_up_no_other_delivery()
    {
        await using var slow = await WebhookReceiver.StartAsync();
        slow.Hold = new TaskCompletionSource();
        await using var fast = await WebhookReceiver.StartAsync();
        var tenant = await host.CreateTenantAsync();
        await WebhookDeliveryTests.RegisterAsync(tenant, slow, "payment.succeeded");
        await WebhookDeliveryTests.BuyProAsync(tenant);
        await slow.NextAsync();

        await WebhookDeliveryTests.RegisterAsync(tenant, fast, "payment.succeeded");
        await WebhookDeliveryTests.BuyProAsync(tenant);
        var delivered = await fast.NextAsync();
        Assert.Equal("payment.succeeded", delivered.Event);
        Assert.Equal(0, slow.HeldEnded); // the slow receiver's first request is still open

        slow.Hold.SetResult();
    }
}
