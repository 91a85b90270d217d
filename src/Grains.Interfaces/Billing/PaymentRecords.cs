namespace HeatmapSaas.Billing;

/// <summary>Stripe's payment intent statuses, as far as a card payment without extra steps goes.</summary>
public enum PaymentStatus
{
    RequiresPaymentMethod,
    Processing,
    Succeeded,
}

/// <summary>A validated create request: the price already checked against the plan's.</summary>
[GenerateSerializer, Immutable]
public sealed record PaymentIntentDraft(
    [property: Id(0)] long Amount,
    [property: Id(1)] string Currency,
    [property: Id(2)] string? CustomerId,
    [property: Id(3)] string PlanId,
    [property: Id(4)] string? Description,
    [property: Id(5)] int PeriodDays);

[GenerateSerializer, Immutable]
public sealed record PaymentIntentView(
    [property: Id(0)] string Id,
    [property: Id(1)] string ClientSecret,
    [property: Id(2)] long Amount,
    [property: Id(3)] string Currency,
    [property: Id(4)] string? CustomerId,
    [property: Id(5)] string PlanId,
    [property: Id(6)] string? Description,
    [property: Id(7)] PaymentStatus Status,
    [property: Id(8)] string? TransactionId,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] string? LastPaymentError);

public enum IdempotencyOutcome
{
    /// <summary>The caller holds the key now: run the request, then complete or release.</summary>
    Claimed,

    /// <summary>The key already answered a request with the same fingerprint: replay that answer.</summary>
    Replay,

    /// <summary>The key was used with another request body or route.</summary>
    Mismatch,

    /// <summary>The first request with this key is still running.</summary>
    InFlight,
}

[GenerateSerializer, Immutable]
public sealed record IdempotencyClaim(
    [property: Id(0)] IdempotencyOutcome Outcome,
    [property: Id(1)] StoredResponse? Response);

/// <summary>An HTTP answer kept for replay.</summary>
[GenerateSerializer, Immutable]
public sealed record StoredResponse(
    [property: Id(0)] int Status,
    [property: Id(1)] string? ContentType,
    [property: Id(2)] string? Location,
    [property: Id(3)] byte[] Body);
