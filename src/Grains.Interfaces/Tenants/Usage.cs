namespace HeatmapSaas.Tenants;

/// <summary>
/// A location's totals now, as the tenant asks for them when its usage is asked for (the location owns them).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LocationUsage(
    [property: Id(0)] string LocationId,
    [property: Id(1)] string Month,
    [property: Id(2)] long EventsIngested,
    [property: Id(3)] long Batches,
    [property: Id(4)] int Occupancy,
    [property: Id(5)] long VisitorsToday);

[GenerateSerializer, Immutable]
public sealed record TenantUsage(
    [property: Id(0)] TenantProfile Tenant,
    [property: Id(1)] DateTimeOffset PeriodStart,
    [property: Id(2)] DateTimeOffset PeriodEnd,
    [property: Id(3)] long EventsIngested,
    [property: Id(4)] long Batches,
    [property: Id(5)] int Locations,
    [property: Id(6)] int Heatmaps,
    [property: Id(7)] int Occupancy,
    [property: Id(8)] long VisitorsToday);

public static class UsageMonth
{
    /// <summary>The UTC calendar month usage is counted in, as <c>yyyy-MM</c>.</summary>
    public static string Of(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
}
