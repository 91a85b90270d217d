using HeatmapSaas.Tenants;

namespace HeatmapSaas.Grains.Billing;

/// <summary><c>Heatmap:Plans</c>: what each paid plan costs per period (<c>Heatmap:Plans:Pro:Amount</c>, …).</summary>
public sealed class PlanPrices
{
    public PlanPrice Pro { get; set; } = new() { Amount = 9999 };

    public PlanPrice Enterprise { get; set; } = new() { Amount = 49999 };

    /// <summary>
    /// The longest a paid tenant's expiry reminder sleeps before it looks at the clock again; it always wakes at the
    /// period's end when that is sooner. Tests shorten it to follow an injected clock.
    /// </summary>
    public TimeSpan ExpiryCheck { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The plan a <c>plan_id</c> such as <c>plan_pro</c> names, with its price; null for unknown ids.</summary>
    public (Plan Plan, PlanPrice Price)? Find(string planId) => planId switch
    {
        "plan_pro" => (Plan.Pro, Pro),
        "plan_enterprise" => (Plan.Enterprise, Enterprise),
        _ => null,
    };

    public static Plan PlanOf(string planId) => planId switch
    {
        "plan_pro" => Plan.Pro,
        "plan_enterprise" => Plan.Enterprise,
        _ => Plan.Free,
    };
}

public sealed class PlanPrice
{
    /// <summary>In the currency's smallest unit (cents), as Stripe counts.</summary>
    public long Amount { get; set; }

    public string Currency { get; set; } = "USD";

    public int PeriodDays { get; set; } = 30;
}
