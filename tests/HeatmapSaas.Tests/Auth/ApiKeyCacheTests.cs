using System.Net.Http.Json;
using HeatmapSaas.Tenants;
using HeatmapSaas.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace HeatmapSaas.Tests.Auth;

/// <summary>Each process trusts a key it resolved for 2 s (<c>Heatmap:Auth:KeyCache</c>), on a clock the test moves.</summary>
public sealed class ApiKeyCacheTests(FixedClockApiHost host) : IClassFixture<FixedClockApiHost>
{
    [Fact]
    public async Task A_key_revoked_through_another_process_is_refused_here_once_the_cache_freshness_has_passed()
    {
        var tenant = await host.CreateTenantAsync();
        var issued = await (await tenant.Http.PostAsJsonAsync("/v1/api-keys", new { name = "Elsewhere", scope = "read" })).Json(201);
        using var reader = host.Client(issued.GetProperty("api_key").GetString()!);
        await (await reader.GetAsync("/v1/locations")).Json(200);

        // What another silo's API does on DELETE /v1/api-keys/{id}: this process's cache is not told.
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ITenantGrain>(tenant.Id)
            .RevokeApiKeyAsync(issued.GetProperty("id").GetString()!);
        await (await reader.GetAsync("/v1/locations")).Json(200);

        host.Clock.Advance(TimeSpan.FromSeconds(2));
        await (await reader.GetAsync("/v1/locations")).Error(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task An_unknown_key_is_refused_every_time_and_a_new_key_works_at_once()
    {
        var tenant = await host.CreateTenantAsync();
        using var guesser = host.Client(ApiKeySecret.New());
        await (await guesser.GetAsync("/v1/locations")).Error(401, "UNAUTHORIZED");
        await (await guesser.GetAsync("/v1/locations")).Error(401, "UNAUTHORIZED");

        var issued = await (await tenant.Http.PostAsJsonAsync("/v1/api-keys", new { name = "New", scope = "read" })).Json(201);
        using var reader = host.Client(issued.GetProperty("api_key").GetString()!);
        await (await reader.GetAsync("/v1/locations")).Json(200);
    }
}
