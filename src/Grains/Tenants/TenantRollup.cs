using HeatmapSaas.Tenants;

namespace HeatmapSaas.Grains.Tenants;

/// <summary>The tenant-wide sums of its locations' usage reports.</summary>
public static class TenantRollup
{
    /// <summary>Events and batches of the month; live totals only from reports of this month.</summary>
    public static (long Events, long Batches, int Occupancy, long VisitorsToday) Totals(IEnumerable<LocationUsage> reports, string month)
    {
        long events = 0, batches = 0, visitors = 0;
        var occupancy = 0;
        foreach (var report in reports)
        {
            if (report.Month != month)
            {
                continue;
            }

            events += report.EventsIngested;
            batches += report.Batches;
            occupancy += report.Occupancy;
            visitors += report.VisitorsToday;
        }

        return (events, batches, occupancy, visitors);
    }
}
