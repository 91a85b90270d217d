using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Locations.Log;
using HeatmapSaas.Tenants;

namespace HeatmapSaas.Grains.Locations;

/// <summary>
/// Who sent what to a location: its gateways (last seen, batches, events) and the UTC month's accepted events and
/// batches, its usage. Kept in the location's state, beside the journal's checkpoint.
/// </summary>
public sealed class IngestActivity(LocationGrainState state, IngestOptions options)
{
    /// <summary>Counts an applied batch: on ingest and on replay alike, so a restart loses nothing.</summary>
    public void Record(LoggedBatch entry)
    {
        var month = UsageMonth.Of(entry.ReceivedAt);
        if (month != state.UsageMonth)
        {
            (state.UsageMonth, state.MonthEvents, state.MonthBatches) = (month, 0, 0);
        }

        state.MonthEvents += entry.Receipt.Accepted;
        state.MonthBatches++;
        if (entry.GatewayId is { } gateway)
        {
            GatewayBook.Record(state.Gateways, gateway, entry.ReceivedAt, entry.Receipt.Accepted + entry.Receipt.Rejected, options.MaxGateways);
        }
    }

    /// <summary>The month's events and batches; zero when the last batch came in an earlier month.</summary>
    public (long Events, long Batches) InMonth(DateTimeOffset now) =>
        state.UsageMonth == UsageMonth.Of(now) ? (state.MonthEvents, state.MonthBatches) : (0, 0);

    /// <summary>Those past the retention but not yet forgotten are already gone for callers.</summary>
    public GatewayStatus[] Gateways(DateTimeOffset now) => GatewayBook.SeenSince(state.Gateways, now - options.GatewayRetention);

    public int GatewaysOnline(DateTimeOffset now, TimeSpan window) => state.Gateways.Values.Count(g => now - g.LastSeen <= window);

    public void ForgetGateways(DateTimeOffset now) => GatewayBook.ForgetUnseenSince(state.Gateways, now - options.GatewayRetention);
}
