using HeatmapSaas.Tenants;

namespace HeatmapSaas.Grains.Tenants;

/// <summary>The tenant-wide sums of its locations' latest reports; a report replaces that location's previous one.</summary>
public sealed class TenantRollup
{
    private readonly Dictionary<string, LocationUsage> _latest = new(StringComparer.Ordinal);

    public void Accept(LocationUsage report) => _latest[report.LocationId] = report;

    public void Forget(IEnumerable<string> locationIdsNotIn)
    {
        foreach (var id in _latest.Keys.Except(locationIdsNotIn).ToList())
        {
            _latest.Remove(id);
        }
    }

    /// <summary>Events and batches of the month; live totals only from reports of this month.</summary>
    public (long Events, long Batches, int Occupancy, long VisitorsToday) Totals(string month)
    {
        long events = 0, batches = 0, visitors = 0;
        var occupancy = 0;
        foreach (var report in _latest.Values)
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
