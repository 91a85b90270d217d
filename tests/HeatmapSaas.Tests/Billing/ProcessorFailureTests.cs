using HeatmapSaas.Billing;
using HeatmapSaas.Grains.Billing;
using HeatmapSaas.Tests.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace HeatmapSaas.Tests.Billing;

/// <summary>The app with a processor plugged in through <see cref="IPaymentProcessor"/> that fails its first charge.</summary>
public sealed class FlakyProcessorApiHost : ApiHost
{
    public FlakyProcessor Processor { get; } = new();

    protected override void Customize(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<IPaymentProcessor>(Processor);
}

public sealed class FlakyProcessor : IPaymentProcessor
{
    private int _charges;

    public int Charges => Volatile.Read(ref _charges);

    public Task<ChargeResult> ChargeAsync(PaymentIntentView intent, string paymentMethodId, CancellationToken ct) =>
        Interlocked.Increment(ref _charges) == 1
            ? throw new HttpRequestException("processor unreachable")
            : Task.FromResult(ChargeResult.Success("txn_from_the_plugged_processor"));
}

public sealed class ProcessorFailureTests(FlakyProcessorApiHost host) : IClassFixture<FlakyProcessorApiHost>
{
    [Fact]
    public async Task A_processor_failure_is_a_500_and_leaves_the_intent_payable()
    {
        var tenant = await host.CreateTenantAsync("free");
        var id = (await (await tenant.Http.PostAsync("/v1/payments/intent", HttpAssertions.JsonBody(
            """{"amount":9999,"currency":"USD","plan_id":"plan_pro"}"""))).Json(201)).GetProperty("intent_id").GetString();
        const string card = """{"payment_method_id":"pm_card_visa"}""";

        await (await tenant.Http.PostAsync($"/v1/payments/{id}/confirm", HttpAssertions.JsonBody(card))).Error(500, "INTERNAL_ERROR");
        var after = await (await tenant.Http.GetAsync($"/v1/payments/{id}")).Json(200);
        Assert.Equal("requires_payment_method", after.GetProperty("status").GetString());
        Assert.Equal("free", (await (await tenant.Http.GetAsync("/v1/usage")).Json(200)).GetProperty("plan").GetString());

        var paid = await (await tenant.Http.PostAsync($"/v1/payments/{id}/confirm", HttpAssertions.JsonBody(card))).Json(200);
        Assert.Equal("txn_from_the_plugged_processor", paid.GetProperty("transaction_id").GetString());
        Assert.Equal(2, host.Processor.Charges);
    }

    [Fact]
    public async Task A_read_key_may_look_at_payments_and_webhooks_but_not_change_them()
    {
        var tenant = await host.CreateTenantAsync();
        var readKey = (await (await tenant.Http.PostAsync("/v1/api-keys", HttpAssertions.JsonBody(
            """{"name":"dashboard","scope":"read"}"""))).Json(201)).GetProperty("api_key").GetString();
        using var reader = host.Client(readKey);
        await (await reader.GetAsync("/v1/webhooks")).Json(200);
        await (await reader.PostAsync("/v1/webhooks", HttpAssertions.JsonBody(
            """{"url":"https://hooks.example.com/x","events":["heatmap.created"]}"""))).Error(403, "FORBIDDEN");
        await (await reader.PostAsync("/v1/payments/intent", HttpAssertions.JsonBody(
            """{"amount":9999,"currency":"USD","plan_id":"plan_pro"}"""))).Error(403, "FORBIDDEN");
    }
}
