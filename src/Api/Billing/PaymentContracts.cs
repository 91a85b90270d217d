using HeatmapSaas.Billing;

namespace HeatmapSaas.Api.Billing;

public sealed record PaymentIntentBody(long? Amount, string? Currency, string? CustomerId, string? PlanId, string? Description);

public sealed record ConfirmPaymentBody(string? PaymentMethodId);

/// <summary>Seed 000's create and confirm answers in one shape: the fields of both, and the intent's own.</summary>
public sealed record PaymentIntentResponse(
    string IntentId,
    string ClientSecret,
    long Amount,
    string Currency,
    PaymentStatus Status,
    string? TransactionId,
    string PlanId,
    string? CustomerId,
    string? Description,
    string? LastPaymentError,
    DateTimeOffset CreatedAt)
{
    public static PaymentIntentResponse From(PaymentIntentView i) => new(
        i.Id, i.ClientSecret, i.Amount, i.Currency, i.Status, i.TransactionId, i.PlanId, i.CustomerId, i.Description,
        i.LastPaymentError, i.CreatedAt);
}
