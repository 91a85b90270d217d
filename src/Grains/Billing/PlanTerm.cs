using HeatmapSaas.Tenants;

namespace HeatmapSaas.Grains.Billing;

/// <summary>How a paid period moves a tenant's plan and its end.</summary>
public static class PlanTerm
{
    /// <summary>
    /// The same plan still running is extended from its end; anything else (free, another plan, a lapsed one)
    /// starts now. An operator-granted plan without an end is left without one when the same plan is bought.
    /// </summary>
    public static (Plan Plan, DateTimeOffset? ExpiresAt) Extend(
        Plan current, DateTimeOffset? expiresAt, Plan bought, TimeSpan period, DateTimeOffset now)
    {
        if (current == bought && current != Plan.Free)
        {
            if (expiresAt is null)
            {
                return (current, null);
            }

            return (bought, (expiresAt > now ? expiresAt.Value : now) + period);
        }

        return (bought, now + period);
    }

    public static bool IsOver(DateTimeOffset? expiresAt, DateTimeOffset now) => expiresAt is { } end && end <= now;
}
