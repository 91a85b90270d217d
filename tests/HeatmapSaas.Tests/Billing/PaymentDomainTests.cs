using HeatmapSaas.Billing;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Billing;
using HeatmapSaas.Tenants;

namespace HeatmapSaas.Tests.Billing;

public sealed class PaymentDomainTests
{
    private static readonly DateTimeOffset Now = new(2025, 12, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Month = TimeSpan.FromDays(30);

    private static PaymentIntentView Opened() =>
        PaymentIntent.Open("pi_test", new PaymentIntentDraft(9999, "USD", "cust_123", "plan_pro", null, 30), Now);

    [Fact]
    public void An_intent_opens_waiting_for_a_payment_method_with_a_client_secret_of_its_own()
    {
        var intent = Opened();
        Assert.Equal(PaymentStatus.RequiresPaymentMethod, intent.Status);
        Assert.StartsWith("pi_test_secret_", intent.ClientSecret);
        Assert.Null(intent.TransactionId);
    }

    [Fact]
    public void Confirming_goes_through_processing_to_succeeded_and_then_refuses_another_confirm()
    {
        var processing = PaymentIntent.BeginConfirm(Opened());
        Assert.Equal(PaymentStatus.Processing, processing.Status);
        var succeeded = PaymentIntent.Complete(processing, ChargeResult.Success("txn_1"));
        Assert.Equal(PaymentStatus.Succeeded, succeeded.Status);
        Assert.Equal("txn_1", succeeded.TransactionId);
        Assert.Equal(ApiErrorCode.Conflict, Assert.Throws<ApiException>(() => PaymentIntent.BeginConfirm(succeeded)).Code);
        Assert.Equal(ApiErrorCode.Conflict, Assert.Throws<ApiException>(() => PaymentIntent.BeginConfirm(processing)).Code);
    }

    [Fact]
    public void A_decline_returns_the_intent_to_requires_payment_method_so_another_card_can_be_tried()
    {
        var declined = PaymentIntent.Complete(PaymentIntent.BeginConfirm(Opened()), ChargeResult.Declined("card_declined", "declined"));
        Assert.Equal(PaymentStatus.RequiresPaymentMethod, declined.Status);
        Assert.Equal("declined", declined.LastPaymentError);
        Assert.Equal(PaymentStatus.Processing, PaymentIntent.BeginConfirm(declined).Status);
    }

    [Theory]
    [InlineData("pm_card_chargeDeclined", false)]
    [InlineData("pm_card_insufficientFunds", false)]
    [InlineData("pm_123456", true)]
    [InlineData("pm_card_visa", true)]
    public async Task The_test_mode_processor_declines_only_the_decline_cards(string method, bool succeeds)
    {
        var result = await new TestModePaymentProcessor().ChargeAsync(Opened(), method, CancellationToken.None);
        Assert.Equal(succeeds, result.Succeeded);
        Assert.Equal(succeeds, result.TransactionId?.StartsWith("txn_") == true);
    }

    [Fact]
    public void A_first_purchase_starts_now_and_a_renewal_extends_from_the_current_end()
    {
        var (plan, end) = PlanTerm.Extend(Plan.Free, null, Plan.Pro, Month, Now);
        Assert.Equal((Plan.Pro, Now + Month), (plan, end));
        var renewed = PlanTerm.Extend(plan, end, Plan.Pro, Month, Now + TimeSpan.FromDays(10));
        Assert.Equal((Plan.Pro, Now + 2 * Month), renewed);
    }

    [Fact]
    public void A_lapsed_or_different_plan_starts_a_new_period_now_and_an_open_ended_one_stays_open()
    {
        var later = Now + TimeSpan.FromDays(40);
        Assert.Equal((Plan.Pro, later + Month), PlanTerm.Extend(Plan.Pro, Now + Month, Plan.Pro, Month, later));
        Assert.Equal((Plan.Enterprise, Now + Month), PlanTerm.Extend(Plan.Pro, Now + Month, Plan.Enterprise, Month, Now));
        Assert.Equal((Plan.Enterprise, (DateTimeOffset?)null), PlanTerm.Extend(Plan.Enterprise, null, Plan.Enterprise, Month, Now));
    }

    [Fact]
    public void A_period_is_over_at_its_end_instant()
    {
        Assert.False(PlanTerm.IsOver(Now, Now - TimeSpan.FromTicks(1)));
        Assert.True(PlanTerm.IsOver(Now, Now));
        Assert.False(PlanTerm.IsOver(null, Now));
    }

    [Fact]
    public void Prices_default_to_the_contract_and_free_is_not_for_sale()
    {
        var prices = new PlanPrices();
        Assert.Equal((Plan.Pro, 9999L, "USD", 30), Describe(prices.Find("plan_pro")));
        Assert.Equal((Plan.Enterprise, 49999L, "USD", 30), Describe(prices.Find("plan_enterprise")));
        Assert.Null(prices.Find("plan_free"));
    }

    private static (Plan, long, string, int) Describe((Plan Plan, PlanPrice Price)? found) =>
        (found!.Value.Plan, found.Value.Price.Amount, found.Value.Price.Currency, found.Value.Price.PeriodDays);
}
