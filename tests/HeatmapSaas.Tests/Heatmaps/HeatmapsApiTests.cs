using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;
using System.Text.Json;

namespace HeatmapSaas.Tests.Heatmaps;

public sealed class HeatmapsApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Missing_location_id_answers_the_seeds_error_exactly()
    {
        var tenant = await host.CreateTenantAsync();
        var response = await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "Store A - Customer Flow", type = "customer_flow" });
        var body = await response.Json(400);
        Assert.Equal(
            """{"error":{"code":"INVALID_REQUEST","message":"Missing required parameter: location_id","details":{"parameter":"location_id","type":"required"}}}""",
            body.GetRawText());
    }

    [Theory]
    [InlineData("""{"name":"h","type":"heat"}""", "type")]
    [InlineData("""{"name":"h","type":"dwell_time","refresh_interval":59}""", "refresh_interval")]
    [InlineData("""{"name":"h","type":"dwell_time","refresh_interval":86401}""", "refresh_interval")]
    [InlineData("""{"name":"h","type":"dwell_time","cell_size":15}""", "cell_size")]
    [InlineData("""{"name":"h","type":"dwell_time","cell_size":1010}""", "cell_size")]
    [InlineData("""{"name":"h","type":"dwell_time","timezone":"Nowhere"}""", "timezone")]
    [InlineData("""{"type":"dwell_time"}""", "name")]
    public async Task Create_validates(string partial, string parameter)
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant);
        var body = partial.Insert(1, $"\"location_id\":\"{location}\",");
        await (await tenant.Http.PostAsync("/v1/heatmaps", HttpAssertions.JsonBody(body))).Error(400, "INVALID_REQUEST", parameter);
    }

    [Fact]
    public async Task Lifecycle_and_list_by_location()
    {
        var tenant = await host.CreateTenantAsync();
        var first = await NewLocation(tenant, "America/Chicago");
        var second = await NewLocation(tenant);
        var created = await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "Flow", location_id = first, type = "customer_flow", cell_size = 50 })).Json(201);
        var id = created.GetProperty("id").GetString();
        Assert.StartsWith("hm_", id);
        Assert.Equal("active", created.GetProperty("status").GetString());
        Assert.Equal("America/Chicago", created.GetProperty("timezone").GetString());
        Assert.Equal(3600, created.GetProperty("refresh_interval").GetInt32());
        Assert.Equal(50, created.GetProperty("cell_size").GetInt32());
        await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "Dwell", location_id = second, type = "dwell_time" })).Json(201);

        var byLocation = await (await tenant.Http.GetAsync($"/v1/heatmaps?location_id={first}")).Json(200);
        Assert.Equal(1, byLocation.GetProperty("pagination").GetProperty("total").GetInt32());
        var all = await (await tenant.Http.GetAsync("/v1/heatmaps?limit=1")).Json(200);
        Assert.Equal(2, all.GetProperty("pagination").GetProperty("total").GetInt32());
        Assert.Equal(id, all.GetProperty("heatmaps")[0].GetProperty("id").GetString());
        var locations = await (await tenant.Http.GetAsync("/v1/locations")).Json(200);
        Assert.Equal(1, locations.GetProperty("locations")[0].GetProperty("heatmaps_count").GetInt32());

        var patched = await (await tenant.Http.PatchAsJsonAsync($"/v1/heatmaps/{id}", new { name = "Renamed", refresh_interval = 60 })).Json(200);
        Assert.Equal("Renamed", patched.GetProperty("name").GetString());
        Assert.Equal(60, patched.GetProperty("refresh_interval").GetInt32());
        await (await tenant.Http.PatchAsJsonAsync($"/v1/heatmaps/{id}", new { type = "dwell_time" })).Error(400, "INVALID_REQUEST", "type");
        await (await tenant.Http.PatchAsJsonAsync($"/v1/heatmaps/{id}", new { cell_size = 10 })).Error(400, "INVALID_REQUEST", "cell_size");

        await (await tenant.Http.DeleteAsync($"/v1/heatmaps/{id}")).Json(204);
        await (await tenant.Http.GetAsync($"/v1/heatmaps/{id}")).Error(404, "NOT_FOUND");
        await (await tenant.Http.GetAsync("/v1/heatmaps?location_id=nowhere")).Error(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Deleting_a_location_deletes_its_heatmaps()
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant);
        var heatmap = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "h", location_id = location, type = "interactions" })).Json(201)).GetProperty("id").GetString();
        await (await tenant.Http.DeleteAsync($"/v1/locations/{location}")).Json(204);
        await (await tenant.Http.GetAsync($"/v1/heatmaps/{heatmap}")).Error(404, "NOT_FOUND");
    }

    private static async Task<string> NewLocation(TestTenant tenant, string? timezone = null) =>
        (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Store " + Guid.NewGuid().ToString("N")[..5], timezone })).Json(201))
        .GetProperty("id").GetString()!;
}
