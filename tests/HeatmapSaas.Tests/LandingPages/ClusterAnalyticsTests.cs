using HeatmapSaas.Grains.LandingPages;
using HeatmapSaas.LandingPages;
using HeatmapSaas.Tests.Api;
using HeatmapSaas.Tests.Postgres;
using HeatmapSaas.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace HeatmapSaas.Tests.LandingPages;

/// <summary>
/// Two API nodes on one PostgreSQL cluster (a silo host and a client-mode host): they share the per-minute budget
/// and the generated salt; after a restart the salt and the day's visitors are still there.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Category", "Slow")]
public sealed class ClusterAnalyticsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Nodes_share_the_budget_and_the_salt_which_survive_a_restart()
    {
        var database = postgres.CreateDatabase("landing");
        var gatewayPort = FreePort.Next();
        Dictionary<string, string?> SiloSettings() => new()
        {
            ["ConnectionStrings:Postgres"] = database,
            ["Orleans:SiloPort"] = FreePort.Next().ToString(),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(),
        };

        var silo = new NodeHost(SiloSettings());
        var client = new NodeHost(new() { ["ConnectionStrings:Postgres"] = database, ["Heatmap:Silo:Enabled"] = "false" });
        TestTenant tenant;
        string salt;
        try
        {
            await silo.InitializeAsync();
            await client.InitializeAsync();
            tenant = await silo.CreateTenantAsync();

            // The same 50 visitors through each node: one salt, so one hash per visitor whichever node hashed it.
            for (var i = 0; i < 50; i++)
            {
                await silo.TrackOkAsync(tenant.Id, "pageview", ip: $"198.51.100.{i}");
                await client.TrackOkAsync(tenant.Id, "pageview", ip: $"198.51.100.{i}");
            }

            // 100 events in the minute across both nodes: the 101st is refused on either.
            await TrackApiTests.AssertAnalyticsError(await client.TrackAsync(tenant.Id, "pageview"), 429, "RATE_LIMITED");
            await TrackApiTests.AssertAnalyticsError(await silo.TrackAsync(tenant.Id, "pageview"), 429, "RATE_LIMITED");

            var data = (await (await client.Client(tenant.ApiKey).GetAsync($"/api/analytics/{tenant.Id}")).Json(200)).GetProperty("data");
            Assert.Equal(50, data.GetProperty("visitors_today").GetInt32());
            salt = await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IAnalyticsSaltGrain>(0).GetOrCreateAsync();
        }
        finally
        {
            await client.DisposeAsync();
            await silo.DisposeAsync();
        }

        var restarted = new NodeHost(SiloSettings());
        try
        {
            await restarted.InitializeAsync();
            Assert.Equal(salt, await restarted.Services.GetRequiredService<IGrainFactory>().GetGrain<IAnalyticsSaltGrain>(0).GetOrCreateAsync());

            // A returning visitor is recognised: same salt, same hash, and the day's set was persisted.
            await restarted.TrackOkAsync(tenant.Id, "pageview", ip: "198.51.100.7");
            var data = (await (await restarted.Client(tenant.ApiKey).GetAsync($"/api/analytics/{tenant.Id}")).Json(200)).GetProperty("data");
            Assert.Equal(50, data.GetProperty("visitors_today").GetInt32());
            var recent = await restarted.Services.GetRequiredService<IGrainFactory>().GetGrain<ILandingAnalyticsGrain>(tenant.Id).GetRecentAsync();
            Assert.Equal(LandingLedger.RecentCapacity, recent.Count);
        }
        finally
        {
            await restarted.DisposeAsync();
        }
    }

    /// <summary>The landing helpers on a node with the given settings and the real clock.</summary>
    private sealed class NodeHost(Dictionary<string, string?> settings) : LandingApiHost
    {
        protected override IDictionary<string, string?> Settings => settings;

        protected override void Customize(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder)
        {
        }
    }
}
