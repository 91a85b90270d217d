using HeatmapSaas.Billing;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Webhooks;
using HeatmapSaas.Tenants;
using HeatmapSaas.Webhooks;

namespace HeatmapSaas.Grains.Billing;

[GenerateSerializer]
public sealed class PaymentIntentState
{
    [Id(0)] public long TenantId { get; set; }
    [Id(1)] public PaymentIntentView? Intent { get; set; }
    [Id(2)] public int PeriodDays { get; set; }

    /// <summary>The success's effects are done: the plan extended and <c>payment.succeeded</c> queued.</summary>
    [Id(3)] public bool Fulfilled { get; set; }
}

/// <summary>
/// One payment intent. A thin shell over <see cref="PaymentIntent"/>: persists each state, asks the processor,
/// and on success extends the tenant's plan and emits <c>payment.succeeded</c>. Success is persisted before its
/// effects and the effects are idempotent, so a crash in between is finished on the next activation.
/// </summary>
public sealed class PaymentIntentGrain(
    [PersistentState("payment", StorageNames.Default)] IPersistentState<PaymentIntentState> state,
    IPaymentProcessor processor,
    TimeProvider clock) : Grain, IPaymentIntentGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        switch (state.State.Intent)
        {
            case { Status: PaymentStatus.Succeeded } when !state.State.Fulfilled:
                await FulfilAsync();
                break;
            case { Status: PaymentStatus.Processing } interrupted:
                // The process died while the processor was charging. The processor gets the intent id with every
                // charge (its idempotency key), so confirming again cannot charge twice: let the customer retry.
                state.State.Intent = interrupted with { Status = PaymentStatus.RequiresPaymentMethod };
                await state.WriteStateAsync(cancellationToken);
                break;
        }
    }

    public async Task<PaymentIntentView> CreateAsync(long tenantId, PaymentIntentDraft draft)
    {
        if (state.State.Intent is not null)
        {
            throw ApiException.Conflict("Payment intent already exists");
        }

        state.State.TenantId = tenantId;
        state.State.PeriodDays = draft.PeriodDays;
        state.State.Intent = PaymentIntent.Open(this.GetPrimaryKeyString(), draft, clock.GetUtcNow());
        await state.WriteStateAsync();
        return state.State.Intent;
    }

    public Task<PaymentIntentView> GetAsync(long tenantId) => Task.FromResult(Owned(tenantId));

    public async Task<PaymentIntentView> ConfirmAsync(long tenantId, string paymentMethodId)
    {
        var processing = PaymentIntent.BeginConfirm(Owned(tenantId));
        state.State.Intent = processing;
        await state.WriteStateAsync();

        ChargeResult result;
        try
        {
            result = await processor.ChargeAsync(processing, paymentMethodId, CancellationToken.None);
        }
        catch
        {
            // The processor did not answer: nothing was charged as far as we know, so the intent may be retried.
            state.State.Intent = processing with { Status = PaymentStatus.RequiresPaymentMethod };
            await state.WriteStateAsync();
            throw;
        }

        state.State.Intent = PaymentIntent.Complete(processing, result);
        await state.WriteStateAsync();
        if (!result.Succeeded)
        {
            throw new ApiException(ApiErrorCode.PaymentFailed, result.DeclineMessage ?? "The payment was declined",
                "payment_method_id", ParameterProblem.Invalid);
        }

        await FulfilAsync();
        return state.State.Intent;
    }

    private async Task FulfilAsync()
    {
        var intent = state.State.Intent!;
        var tenant = GrainFactory.GetGrain<ITenantGrain>(state.State.TenantId);
        await tenant.ExtendPlanAsync(new PlanPurchase(
            intent.Id, PlanPrices.PlanOf(intent.PlanId), TimeSpan.FromDays(state.State.PeriodDays)));
        await GrainFactory.GetGrain<IWebhookRegistryGrain>(state.State.TenantId).PublishAsync(WebhookPayload.Build(
            $"evt_{intent.Id}", WebhookEventTypes.PaymentSucceeded, clock.GetUtcNow(), new
            {
                intent_id = intent.Id,
                transaction_id = intent.TransactionId,
                amount = intent.Amount,
                customer_id = intent.CustomerId,
                currency = intent.Currency,
                plan_id = intent.PlanId,
            }));
        state.State.Fulfilled = true;
        await state.WriteStateAsync();
    }

    private PaymentIntentView Owned(long tenantId) =>
        state.State.Intent is { } intent && state.State.TenantId == tenantId
            ? intent
            : throw ApiException.NotFound("Payment intent");
}
