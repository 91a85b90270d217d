using HeatmapSaas.Api.Demo;
using HeatmapSaas.Tests.Api;

namespace HeatmapSaas.Tests.Demo;

public sealed class DemoHost : ApiHost
{
    public const string DemoKey = "hm_live_demo-key-for-tests-0123456789abcdefghij";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Heatmap:Demo:Enabled"] = "true",
        ["Heatmap:Bootstrap:ApiKey"] = DemoKey,
    };
}

public sealed class DemoStoreTests(DemoHost host) : IClassFixture<DemoHost>
{
    [Fact]
    public async Task The_demo_store_moves_on_first_run()
    {
        using var demo = host.Client(DemoHost.DemoKey);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // The walk posts a batch a second through the public API: wait until its shoppers show up, bounded.
        while (true)
        {
            var response = await demo.GetAsync($"/v1/locations/{DemoStore.Slug}/gateways", deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                var gateways = await response.Json(200);
                if (gateways.GetArrayLength() == 1 && gateways[0].GetProperty("events").GetInt64() > 0)
                {
                    break;
                }
            }

            await Task.Delay(200, deadline.Token);
        }

        var floorPlan = await demo.GetAsync($"/v1/locations/{DemoStore.Slug}/floor-plan");
        Assert.Equal("image/png", floorPlan.Content.Headers.ContentType?.MediaType);
        var heatmaps = await (await demo.GetAsync($"/v1/heatmaps?location_id={DemoStore.Slug}")).Json(200);
        Assert.Equal(2, heatmaps.GetProperty("pagination").GetProperty("total").GetInt32());
    }

    [Fact]
    public void The_walk_opens_and_ends_tracks_inside_the_floor()
    {
        var walk = new StoreWalk(1000, 600, seed: 3);
        var start = new DateTimeOffset(2025, 12, 25, 12, 0, 0, TimeSpan.Zero);
        var events = Enumerable.Range(0, 600).SelectMany(s => walk.Step(start.AddSeconds(s))).ToList();
        Assert.Contains(events, e => e.Type == "track_end");
        Assert.Contains(events, e => e.Type == "interaction");
        Assert.All(events.Where(e => e.X is not null), e => Assert.InRange(e.X!.Value, 0, 999.999));
        Assert.All(events.Where(e => e.Y is not null), e => Assert.InRange(e.Y!.Value, 0, 599.999));
    }
}
