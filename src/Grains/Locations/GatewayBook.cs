using HeatmapSaas.Footfall;

namespace HeatmapSaas.Grains.Locations;

/// <summary>
/// The gateways a location has heard from (<c>/gateways</c>), kept bounded: at most a configured number, the least
/// recently seen forgotten first, and none unseen for longer than the retention. Gateway ids are any caller's
/// choice, so without the bound every new id would grow the location's memory and its checkpoint for good.
/// </summary>
public static class GatewayBook
{
    /// <summary>Counts a batch from <paramref name="gatewayId"/>, making room for a gateway not yet known.</summary>
    public static void Record(
        Dictionary<string, GatewayStatus> gateways, string gatewayId, DateTimeOffset seenAt, long events, int maxGateways)
    {
        var known = gateways.GetValueOrDefault(gatewayId);
        if (known is null)
        {
            while (gateways.Count > 0 && gateways.Count >= Math.Max(1, maxGateways))
            {
                gateways.Remove(LeastRecentlySeen(gateways));
            }
        }

        gateways[gatewayId] = new GatewayStatus(gatewayId, seenAt, (known?.Batches ?? 0) + 1, (known?.Events ?? 0) + events);
    }

    /// <summary>Forgets the gateways last seen before <paramref name="before"/>; how many there were.</summary>
    public static int ForgetUnseenSince(Dictionary<string, GatewayStatus> gateways, DateTimeOffset before)
    {
        var forgotten = 0;
        foreach (var (id, status) in gateways)
        {
            if (status.LastSeen < before)
            {
                gateways.Remove(id);
                forgotten++;
            }
        }

        return forgotten;
    }

    /// <summary>The gateways seen at or after <paramref name="since"/>, by id.</summary>
    public static GatewayStatus[] SeenSince(Dictionary<string, GatewayStatus> gateways, DateTimeOffset since) =>
        gateways.Values.Where(g => g.LastSeen >= since).OrderBy(g => g.GatewayId, StringComparer.Ordinal).ToArray();

    // Ties go to the smaller id, so the same batches always leave the same gateways.
    private static string LeastRecentlySeen(Dictionary<string, GatewayStatus> gateways)
    {
        GatewayStatus? oldest = null;
        foreach (var status in gateways.Values)
        {
            if (oldest is null || status.LastSeen < oldest.LastSeen
                || (status.LastSeen == oldest.LastSeen && string.CompareOrdinal(status.GatewayId, oldest.GatewayId) < 0))
            {
                oldest = status;
            }
        }

        return oldest!.GatewayId;
    }
}
