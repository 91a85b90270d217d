using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Locations;

namespace HeatmapSaas.Tests.Locations;

public class GatewayBookTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Thirty_thousand_distinct_gateways_leave_at_most_the_cap_the_most_recent_ones()
    {
        var gateways = new Dictionary<string, GatewayStatus>();
        for (var i = 0; i < 30_000; i++)
        {
            GatewayBook.Record(gateways, $"{i:D6}" + new string('g', 122), Start.AddSeconds(i), 10, maxGateways: 1_000);
        }

        Assert.Equal(1_000, gateways.Count);
        Assert.Equal(Start.AddSeconds(29_000), gateways.Values.Min(g => g.LastSeen));
    }

    [Fact]
    public void A_known_gateway_is_counted_not_evicting_another_and_silent_ones_are_forgotten()
    {
        var gateways = new Dictionary<string, GatewayStatus>();
        GatewayBook.Record(gateways, "a", Start, 1, 2);
        GatewayBook.Record(gateways, "b", Start.AddHours(1), 1, 2);
        GatewayBook.Record(gateways, "a", Start.AddHours(2), 3, 2);
        Assert.Equal((2L, 4L), (gateways["a"].Batches, gateways["a"].Events));
        Assert.Equal(1, GatewayBook.ForgetUnseenSince(gateways, Start.AddHours(1.5)));
        Assert.Equal(["a"], gateways.Keys);
    }
}
