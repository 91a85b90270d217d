using HeatmapSaas.Api.Validation;
using HeatmapSaas.Billing;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Billing;

namespace HeatmapSaas.Api.Billing;

/// <summary>Payment bodies against the configured prices (<c>Heatmap:Plans</c>).</summary>
public static class PaymentValidation
{
    public static PaymentIntentDraft ToDraft(PaymentIntentBody? body, PlanPrices prices)
    {
        var planId = Validate.RequiredText(body?.PlanId, "plan_id", 64);
        if (planId == "plan_free")
        {
            throw ApiException.Invalid("plan_id", "plan_free cannot be bought");
        }

        if (prices.Find(planId) is not { } plan)
        {
            throw ApiException.Invalid("plan_id", "plan_id must be one of: plan_pro, plan_enterprise");
        }

        var amount = body!.Amount ?? throw ApiException.Required("amount");
        if (amount != plan.Price.Amount)
        {
            throw ApiException.Invalid("amount", $"amount must be {plan.Price.Amount}, the price of {planId}");
        }

        var currency = Validate.RequiredText(body.Currency, "currency", 3);
        if (!currency.Equals(plan.Price.Currency, StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.Invalid("currency", $"currency must be {plan.Price.Currency}, the currency of {planId}");
        }

        return new PaymentIntentDraft(amount, plan.Price.Currency, Validate.Text(body.CustomerId, "customer_id", 200), planId,
            Validate.Text(body.Description, "description", 500), plan.Price.PeriodDays);
    }

    public static string PaymentMethod(ConfirmPaymentBody? body)
    {
        var method = Validate.RequiredText(body?.PaymentMethodId, "payment_method_id", 200);
        return method.StartsWith("pm_", StringComparison.Ordinal)
            ? method
            : throw ApiException.Invalid("payment_method_id", "payment_method_id must be a payment method id (pm_…)");
    }
}
