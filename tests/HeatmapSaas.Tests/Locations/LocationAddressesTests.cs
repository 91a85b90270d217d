using System.Net.Http.Json;
using HeatmapSaas.Catalog;
using HeatmapSaas.Locations;
using HeatmapSaas.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace HeatmapSaas.Tests.Locations;

/// <summary>Each process keeps a slug's location for 2 s (<c>Heatmap:Locations:SlugCache</c>), on a clock the test moves.</summary>
public sealed class LocationAddressesTests(FixedClockApiHost host) : IClassFixture<FixedClockApiHost>
{
    [Fact]
    public async Task A_slug_renamed_through_this_process_stops_resolving_at_once()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Here", slug = "here-old" })).Json(201);
        await (await PostAsync(tenant, "here-old")).Json(202);

        await (await tenant.Http.PatchAsJsonAsync("/v1/locations/here-old", new { slug = "here-new" })).Json(200);
        await (await PostAsync(tenant, "here-old")).Error(404, "NOT_FOUND");
        await (await PostAsync(tenant, "here-new")).Json(202);

        await (await tenant.Http.DeleteAsync("/v1/locations/here-new")).Json(204);
        await (await PostAsync(tenant, "here-new")).Error(404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_slug_renamed_through_another_process_reaches_its_old_location_until_the_cache_freshness_has_passed()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "There", slug = "there-old" })).Json(201);
        await (await PostAsync(tenant, "there-old")).Json(202);

        // What another silo's API does on PATCH: this process's slugs are not told.
        await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ICatalogGrain>(tenant.Id)
            .UpdateLocationAsync("there-old", new LocationPatch(Slug: "there-new"));
        await (await PostAsync(tenant, "there-old")).Json(202);

        host.Clock.Advance(TimeSpan.FromSeconds(2));
        await (await PostAsync(tenant, "there-old")).Error(404, "NOT_FOUND");
        await (await PostAsync(tenant, "there-new")).Json(202);
    }

    private static Task<HttpResponseMessage> PostAsync(TestTenant tenant, string location) =>
        tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(
            $$"""{"batch_id":"{{Guid.NewGuid():N}}","events":[{"type":"position","track_id":"a","ts":"2020-01-02T11:59:00Z","x":1,"y":1}]}"""));
}
