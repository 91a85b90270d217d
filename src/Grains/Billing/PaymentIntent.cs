using HeatmapSaas.Billing;
using HeatmapSaas.Errors;

namespace HeatmapSaas.Grains.Billing;

/// <summary>
/// The payment intent state machine, Stripe's way: <c>requires_payment_method</c> → <c>processing</c> while the
/// processor charges → <c>succeeded</c>, or back to <c>requires_payment_method</c> when the card is declined.
/// A succeeded intent is final. Plain values in, plain values out: the grain persists what this returns.
/// </summary>
public static class PaymentIntent
{
    public static PaymentIntentView Open(string id, PaymentIntentDraft draft, DateTimeOffset now) => new(
        id, $"{id}_secret_{ResourceId.New("cs")[3..]}", draft.Amount, draft.Currency, draft.CustomerId, draft.PlanId,
        draft.Description, PaymentStatus.RequiresPaymentMethod, null, now, null);

    /// <summary>The intent while the processor works; refuses what cannot be confirmed.</summary>
    public static PaymentIntentView BeginConfirm(PaymentIntentView intent) => intent.Status switch
    {
        PaymentStatus.RequiresPaymentMethod => intent with { Status = PaymentStatus.Processing, LastPaymentError = null },
        PaymentStatus.Succeeded => throw ApiException.Conflict($"Payment intent {intent.Id} has already succeeded"),
        _ => throw ApiException.Conflict($"Payment intent {intent.Id} is being confirmed"),
    };

    public static PaymentIntentView Complete(PaymentIntentView processing, ChargeResult result) => result.Succeeded
        ? processing with { Status = PaymentStatus.Succeeded, TransactionId = result.TransactionId }
        : processing with { Status = PaymentStatus.RequiresPaymentMethod, LastPaymentError = result.DeclineMessage };
}
