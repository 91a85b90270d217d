using HeatmapSaas.Billing;

namespace HeatmapSaas.Grains.Billing;

/// <summary>
/// Where a charge happens. The product ships the test-mode processor; a real one plugs in here (registered before
/// the silo's defaults) and must treat the intent id as the charge's idempotency key: a confirm interrupted by a
/// crash is confirmed again.
/// </summary>
public interface IPaymentProcessor
{
    Task<ChargeResult> ChargeAsync(PaymentIntentView intent, string paymentMethodId, CancellationToken ct);
}

public sealed record ChargeResult(bool Succeeded, string? TransactionId, string? DeclineCode, string? DeclineMessage)
{
    public static ChargeResult Success(string transactionId) => new(true, transactionId, null, null);

    public static ChargeResult Declined(string code, string message) => new(false, null, code, message);
}

/// <summary>
/// Stripe's test cards by payment method id: the decline methods fail, every other <c>pm_…</c> succeeds. Nothing
/// leaves the process.
/// </summary>
public sealed class TestModePaymentProcessor : IPaymentProcessor
{
    public Task<ChargeResult> ChargeAsync(PaymentIntentView intent, string paymentMethodId, CancellationToken ct) =>
        Task.FromResult(paymentMethodId switch
        {
            "pm_card_chargeDeclined" => ChargeResult.Declined("card_declined", "Your card was declined."),
            "pm_card_insufficientFunds" => ChargeResult.Declined("insufficient_funds", "Your card has insufficient funds."),
            _ => ChargeResult.Success(ResourceId.New("txn")),
        });
}
