using HeatmapSaas.Api.Locations.Ingest;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Grains.Locations;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Bench;

/// <summary>
/// The in-process ceiling: what the product's own code does per batch with no server, no HTTP, no grain calls and
/// no ingest log, on one thread. The same bodies, store by store: <see cref="SensorBatchParser.ParseJson"/>, the
/// location grain's checks (<see cref="BatchValidator.Validate"/>, <see cref="BatchValidator.ApplyAccepted"/>), then
/// <see cref="FootfallLedger.Apply"/> into one ledger per store.
/// </summary>
public static class Ceiling
{
    public static long ParseAndApply(Workload workload, Progress progress)
    {
        var options = new IngestOptions();
        var floor = new FloorPlan(WorkloadGenerator.FloorWidth, WorkloadGenerator.FloorHeight);
        var rules = new LocationRules(WorkloadGenerator.FloorWidth, WorkloadGenerator.FloorHeight, 30);
        long applied = 0;
        foreach (var location in workload.Locations)
        {
            var ledger = new FootfallLedger(rules);
            foreach (var body in location.Bodies)
            {
                var now = DateTimeOffset.UtcNow;
                var batch = SensorBatchParser.ParseJson(body);
                var (accepted, _) = BatchValidator.Validate(batch, floor, now, options);
                BatchValidator.ApplyAccepted(ledger, accepted, now);
                applied += accepted.Length;
                progress.Add(accepted.Length);
            }
        }

        return applied;
    }

    public static long ParseOnly(Workload workload, Progress progress)
    {
        long parsed = 0;
        foreach (var location in workload.Locations)
        {
            foreach (var body in location.Bodies)
            {
                var n = SensorBatchParser.ParseJson(body).Readings.Length;
                parsed += n;
                progress.Add(n);
            }
        }

        return parsed;
    }
}
