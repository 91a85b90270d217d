using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Idempotency;
using HeatmapSaas.Billing;
using HeatmapSaas.Grains;
using HeatmapSaas.Grains.Billing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace HeatmapSaas.Api.Billing;

/// <summary>Payments (seed 000): intents for a paid plan, confirmed through the payment processor.</summary>
public static class PaymentEndpoints
{
    public static IEndpointRouteBuilder MapPaymentEndpoints(this IEndpointRouteBuilder routes)
    {
        var payments = routes.MapGroup("/v1/payments").RequireApiKey().WithTags("Payments");
        payments.MapPost("/intent", Create).WithIdempotencyKey();
        payments.MapGet("/{intent_id}", Get);
        payments.MapPost("/{intent_id}/confirm", Confirm).WithIdempotencyKey();
        return routes;
    }

    private static async Task<Created<PaymentIntentResponse>> Create(
        PaymentIntentBody? body, Caller caller, IGrainFactory grains, IOptions<PlanPrices> prices)
    {
        var draft = PaymentValidation.ToDraft(body, prices.Value);
        var id = ResourceId.New("pi");
        var intent = await grains.GetGrain<IPaymentIntentGrain>(id).CreateAsync(caller.TenantId, draft);
        return TypedResults.Created($"/v1/payments/{id}", PaymentIntentResponse.From(intent));
    }

    private static async Task<Ok<PaymentIntentResponse>> Get(string intent_id, Caller caller, IGrainFactory grains) =>
        TypedResults.Ok(PaymentIntentResponse.From(await Intent(grains, intent_id).GetAsync(caller.TenantId)));

    private static async Task<Ok<PaymentIntentResponse>> Confirm(
        string intent_id, ConfirmPaymentBody? body, Caller caller, IGrainFactory grains)
    {
        var intent = Intent(grains, intent_id);
        // An unknown or foreign intent answers 404 before the body is judged, as for every other resource.
        await intent.GetAsync(caller.TenantId);
        var method = PaymentValidation.PaymentMethod(body);
        return TypedResults.Ok(PaymentIntentResponse.From(await intent.ConfirmAsync(caller.TenantId, method)));
    }

    /// <summary>Ids that are not intent ids never make a grain.</summary>
    private static IPaymentIntentGrain Intent(IGrainFactory grains, string id) =>
        id.StartsWith("pi_", StringComparison.Ordinal) && id.Length <= 64
            ? grains.GetGrain<IPaymentIntentGrain>(id)
            : throw HeatmapSaas.Errors.ApiException.NotFound("Payment intent");
}
