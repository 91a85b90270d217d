using System.Net.Http.Json;
using HeatmapSaas.Tenants;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace HeatmapSaas.Tests.Api;

/// <summary>Strangers and mistakes cost the service nothing lasting, and an authenticated caller's mistakes are counted.</summary>
public sealed class AbuseApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private const int Flood = 25;

    [Fact]
    public async Task Random_bearer_keys_leave_no_key_activation()
    {
        var hashes = new List<string>();
        for (var i = 0; i < Flood; i++)
        {
            var key = ApiKeySecret.New();
            hashes.Add(ApiKeySecret.Hash(key));
            using var stranger = host.Client(key);
            await (await stranger.GetAsync("/v1/locations")).Error(401, "UNAUTHORIZED");
        }

        await AssertNoneActiveAsync(g => hashes.Contains(g.Key.ToString()!));
    }

    [Fact]
    public async Task Tracking_for_unknown_tenants_leaves_no_tenant_activation()
    {
        var ids = Enumerable.Range(0, Flood).Select(i => 9_000_000_000L + Random.Shared.Next(1_000_000_000)).ToHashSet();
        using var anonymous = host.Client();
        foreach (var id in ids)
        {
            var response = await anonymous.PostAsync("/api/analytics/track", HttpAssertions.JsonBody($$"""{"tenant_id":{{id}},"event_type":"pageview"}"""));
            Assert.Equal(400, (int)response.StatusCode);
        }

        await AssertNoneActiveAsync(g => g.TryGetIntegerKey(out var key, out _) && ids.Contains(key));
    }

    [Fact]
    public async Task Ingest_to_unknown_locations_leaves_no_activation_and_counts_against_the_quota()
    {
        var tenant = await host.CreateTenantAsync(plan: "free");
        var before = await RemainingAsync(tenant);
        var ids = Enumerable.Range(0, Flood).Select(_ => "loc_" + Guid.NewGuid().ToString("N")[..16]).ToList();
        foreach (var id in ids)
        {
            var body = HttpAssertions.JsonBody($$"""{"batch_id":"{{id}}","events":[{"type":"position","track_id":"a","ts":"2020-01-01T00:00:00Z","x":1,"y":1}]}""");
            await (await tenant.Http.PostAsync($"/v1/locations/{id}/events", body)).Error(404, "NOT_FOUND");
        }

        await (await tenant.Http.PostAsync($"/v1/locations/{ids[0]}/events", HttpAssertions.JsonBody("{not json"))).Json(400);

        // Each 404 and the 400 were counted, and the second GET is one request more.
        Assert.Equal(before - Flood - 1 - 1, await RemainingAsync(tenant));
        await AssertNoneActiveAsync(g => ids.Contains(g.Key.ToString()!));
    }

    [Fact]
    public async Task A_401_names_the_bearer_scheme()
    {
        using var anonymous = host.Client();
        var response = await anonymous.GetAsync("/v1/locations");
        await response.Error(401, "UNAUTHORIZED");
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task An_unknown_location_filter_is_404_whether_or_not_the_tenant_has_heatmaps()
    {
        var empty = await host.CreateTenantAsync();
        await (await empty.Http.GetAsync("/v1/heatmaps?location_id=nowhere")).Error(404, "NOT_FOUND", "location_id");

        var busy = await host.CreateTenantAsync();
        await (await busy.Http.PostAsJsonAsync("/v1/locations", new { name = "Somewhere", slug = "somewhere" })).Json(201);
        await (await busy.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "h", location_id = "somewhere", type = "customer_flow" })).Json(201);
        await (await busy.Http.GetAsync("/v1/heatmaps?location_id=nowhere")).Error(404, "NOT_FOUND", "location_id");
        await (await busy.Http.GetAsync("/v1/heatmaps?location_id=somewhere")).Json(200);
    }

    private static async Task<int> RemainingAsync(TestTenant tenant)
    {
        var response = await tenant.Http.GetAsync("/v1/locations");
        return int.Parse(response.Headers.GetValues("X-RateLimit-Remaining").Single());
    }

    /// <summary>Activations of ids nobody created go once their call is answered; this waits for that, bounded.</summary>
    private async Task AssertNoneActiveAsync(Func<GrainId, bool> ours)
    {
        var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var left = 0;
        do
        {
            left = (await management.GetDetailedGrainStatistics()).Count(g => ours(g.GrainId));
            if (left == 0)
            {
                return;
            }

            await Task.Delay(100, CancellationToken.None);
        }
        while (!deadline.IsCancellationRequested);

        Assert.Fail($"{left} activations of unknown ids are still active");
    }
}
