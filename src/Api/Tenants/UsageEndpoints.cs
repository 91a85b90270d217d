using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Footfall;
using HeatmapSaas.Tenants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeatmapSaas.Api.Tenants;

/// <summary>The tenant's own usage this month and its live totals, from the tenant grain's roll-up.</summary>
public static class UsageEndpoints
{
    public static IEndpointRouteBuilder MapUsageEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/usage", Get).RequireApiKey().WithTags("Usage");
        return routes;
    }

    private static async Task<Ok<UsageResponse>> Get(Caller caller, IGrainFactory grains)
    {
        var usage = await grains.GetGrain<ITenantGrain>(caller.TenantId).GetUsageAsync();
        return TypedResults.Ok(new UsageResponse(
            caller.TenantId, usage.Tenant.Plan, usage.Tenant.PlanExpiresAt, new ReportPeriodResponse(usage.PeriodStart, usage.PeriodEnd),
            usage.EventsIngested, usage.Batches, usage.Locations, usage.Heatmaps,
            new LiveTotalsResponse(usage.Occupancy, usage.VisitorsToday)));
    }
}

public sealed record LiveTotalsResponse(int Occupancy, long VisitorsToday);

/// <summary><c>tenant_id</c> lets a key's holder (the dashboard page) find its tenant's <c>/api/analytics/{tenantId}</c>.</summary>
public sealed record UsageResponse(
    long TenantId, Plan Plan, DateTimeOffset? PlanExpiresAt, ReportPeriodResponse Period, long EventsIngested, long Batches,
    int Locations, int Heatmaps, LiveTotalsResponse Live);
