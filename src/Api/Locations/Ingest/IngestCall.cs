using System.Diagnostics;
using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Operations;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Api.Locations.Ingest;

/// <summary>The one grain call of a parsed batch, shared by the HTTP route and the ingest hub, with its metrics.</summary>
public static class IngestCall
{
    public static async Task<IngestReceipt> RunAsync(LocationAddresses addresses, Caller caller, string location, SensorBatch batch)
    {
        var started = Stopwatch.GetTimestamp();
        var grain = await addresses.ResolveAsync(caller, location);
        var receipt = await grain.IngestAsync(caller.TenantId, batch);
        ProductMetrics.Record(new(receipt.Accepted, receipt.Rejected, receipt.Duplicate), Stopwatch.GetElapsedTime(started).TotalSeconds);
        return receipt;
    }
}
