namespace HeatmapSaas.Billing;

/// <summary>One payment intent (<c>pi_…</c>): its state machine and the effects of its success.</summary>
public interface IPaymentIntentGrain : IGrainWithStringKey
{
    /// <summary>Opens the intent in <c>requires_payment_method</c>; a second create of the same id is a conflict.</summary>
    Task<PaymentIntentView> CreateAsync(long tenantId, PaymentIntentDraft draft);

    /// <summary>The intent, or 404 for an unknown id or another tenant's.</summary>
    Task<PaymentIntentView> GetAsync(long tenantId);

    /// <summary>
    /// Charges the payment method. A decline answers 402 and returns the intent to <c>requires_payment_method</c>;
    /// a succeeded intent answers 409.
    /// </summary>
    Task<PaymentIntentView> ConfirmAsync(long tenantId, string paymentMethodId);
}

/// <summary>
/// Idempotency-Key records, one grain per tenant and key, so a retried request answers what the first one did.
/// </summary>
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>Claims the key for a request with this fingerprint, or says why it cannot run.</summary>
    Task<IdempotencyClaim> ClaimAsync(string fingerprint);

    /// <summary>Stores the answer of the request that holds the claim.</summary>
    Task CompleteAsync(string fingerprint, StoredResponse response);

    /// <summary>Gives the key up after a failure that should not be replayed (a 500, a crash of the handler).</summary>
    Task ReleaseAsync(string fingerprint);
}
