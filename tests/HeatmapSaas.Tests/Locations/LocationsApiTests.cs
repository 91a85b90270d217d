using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;
using System.Text.Json;

namespace HeatmapSaas.Tests.Locations;

public sealed class LocationsApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Create_applies_defaults_and_the_extras()
    {
        var tenant = await host.CreateTenantAsync(timezone: "Europe/Paris");
        var created = await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Café Ünïcode & Co." })).Json(201);
        Assert.StartsWith("loc_", created.GetProperty("id").GetString());
        Assert.Equal("cafe-unicode-co", created.GetProperty("slug").GetString());
        Assert.Equal("Europe/Paris", created.GetProperty("timezone").GetString());
        Assert.Equal("other", created.GetProperty("type").GetString());
        Assert.Equal(1000, created.GetProperty("floor_plan").GetProperty("width").GetDouble());
        Assert.Equal(30, created.GetProperty("track_timeout_seconds").GetInt32());
    }

    [Theory]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"address":"x"}""", "name")]
    [InlineData("""{"name":"x","latitude":90.5}""", "latitude")]
    [InlineData("""{"name":"x","longitude":-180.1}""", "longitude")]
    [InlineData("""{"name":"x","timezone":"Not/AZone"}""", "timezone")]
    [InlineData("""{"name":"x","type":"warehouse"}""", "type")]
    [InlineData("""{"name":"x","slug":"Bad Slug"}""", "slug")]
    [InlineData("""{"name":"x","slug":"-leading"}""", "slug")]
    [InlineData("""{"name":"x","slug":"last-update"}""", "slug")]
    [InlineData("""{"name":"x","track_timeout_seconds":4}""", "track_timeout_seconds")]
    [InlineData("""{"name":"x","track_timeout_seconds":3601}""", "track_timeout_seconds")]
    [InlineData("""{"name":"x","floor_plan":{"width":0,"height":10}}""", "floor_plan.width")]
    [InlineData("""{"name":"x","latitude":"north"}""", "latitude")]
    public async Task Create_rejects_invalid_fields_naming_them(string body, string parameter)
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsync("/v1/locations", HttpAssertions.JsonBody(body))).Error(400, "INVALID_REQUEST", parameter);
    }

    [Fact]
    public async Task Name_of_201_characters_is_refused()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = new string('a', 201) })).Error(400, "INVALID_REQUEST", "name");
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = new string('a', 200) })).Json(201);
    }

    [Fact]
    public async Task Slugs_are_unique_per_tenant()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        Assert.Equal("main-store", (await Create(tenant, new { name = "Main Store" })).GetProperty("slug").GetString());
        Assert.Equal("main-store-2", (await Create(tenant, new { name = "Main  Store!" })).GetProperty("slug").GetString());
        Assert.Equal("main-store-3", (await Create(tenant, new { name = "main store" })).GetProperty("slug").GetString());
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Again", slug = "main-store" })).Error(409, "CONFLICT", "slug");
        Assert.Equal("main-store", (await Create(other, new { name = "Main Store" })).GetProperty("slug").GetString());
    }

    [Fact]
    public async Task Get_patch_delete_by_id_or_slug()
    {
        var tenant = await host.CreateTenantAsync();
        var created = await Create(tenant, new { name = "Madison Ave Store", slug = "madison-ave-store", type = "retail" });
        var id = created.GetProperty("id").GetString();

        Assert.Equal(id, (await (await tenant.Http.GetAsync("/v1/locations/madison-ave-store")).Json(200)).GetProperty("id").GetString());
        var patched = await (await tenant.Http.PatchAsJsonAsync($"/v1/locations/{id}", new { name = "Madison", brand = "Exteros", slug = "madison" })).Json(200);
        Assert.Equal("Madison", patched.GetProperty("name").GetString());
        Assert.Equal("Exteros", patched.GetProperty("brand").GetString());
        Assert.Equal("retail", patched.GetProperty("type").GetString());
        await (await tenant.Http.GetAsync("/v1/locations/madison-ave-store")).Error(404, "NOT_FOUND");
        await (await tenant.Http.PatchAsJsonAsync("/v1/locations/madison", new { latitude = 100 })).Error(400, "INVALID_REQUEST", "latitude");
        await (await tenant.Http.DeleteAsync("/v1/locations/madison")).Json(204);
        await (await tenant.Http.GetAsync($"/v1/locations/{id}")).Error(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Zones_have_parents_and_block_deleting_them()
    {
        var tenant = await host.CreateTenantAsync();
        await Create(tenant, new { name = "Mall", slug = "the-mall", type = "mall", brand = "Acme" });
        var zone = await Create(tenant, new { name = "Food court", type = "zone", parent_id = "the-mall" });
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Orphan", parent_id = "nope" })).Error(404, "NOT_FOUND", "parent_id");

        var list = await (await tenant.Http.GetAsync("/v1/locations?info=true")).Json(200);
        var mall = list.GetProperty("locations")[0];
        Assert.Equal("Acme", mall.GetProperty("brand").GetString());
        Assert.Equal(JsonValueKind.Null, mall.GetProperty("parent").ValueKind);
        Assert.Equal(new[] { "food-court" }, mall.GetProperty("children").EnumerateArray().Select(c => c.GetString()).ToArray());
        Assert.Equal("the-mall", list.GetProperty("locations")[1].GetProperty("parent").GetString());

        var plain = await (await tenant.Http.GetAsync("/v1/locations")).Json(200);
        Assert.False(plain.GetProperty("locations")[0].TryGetProperty("brand", out _));

        await (await tenant.Http.PatchAsJsonAsync("/v1/locations/the-mall", new { parent_id = "food-court" })).Error(400, "INVALID_REQUEST", "parent_id");
        await (await tenant.Http.DeleteAsync("/v1/locations/the-mall")).Error(409, "CONFLICT");
        await (await tenant.Http.DeleteAsync($"/v1/locations/{zone.GetProperty("id").GetString()}")).Json(204);
        await (await tenant.Http.DeleteAsync("/v1/locations/the-mall")).Json(204);
    }

    [Fact]
    public async Task List_paginates_in_creation_order_and_filters_by_type()
    {
        var tenant = await host.CreateTenantAsync();
        for (var i = 0; i < 5; i++)
        {
            await Create(tenant, new { name = $"Store {i}", type = i % 2 == 0 ? "retail" : "popup" });
        }

        var page = await (await tenant.Http.GetAsync("/v1/locations?limit=2&offset=1")).Json(200);
        Assert.Equal(new[] { "Store 1", "Store 2" }, page.GetProperty("locations").EnumerateArray().Select(l => l.GetProperty("name").GetString()).ToArray());
        Assert.Equal(5, page.GetProperty("pagination").GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("pagination").GetProperty("limit").GetInt32());
        Assert.Equal(1, page.GetProperty("pagination").GetProperty("offset").GetInt32());

        var popups = await (await tenant.Http.GetAsync("/v1/locations?type=popup")).Json(200);
        Assert.Equal(2, popups.GetProperty("pagination").GetProperty("total").GetInt32());
        Assert.Equal(0, popups.GetProperty("locations")[0].GetProperty("heatmaps_count").GetInt32());

        await (await tenant.Http.GetAsync("/v1/locations?limit=0")).Error(400, "INVALID_REQUEST", "limit");
        await (await tenant.Http.GetAsync("/v1/locations?limit=101")).Error(400, "INVALID_REQUEST", "limit");
        await (await tenant.Http.GetAsync("/v1/locations?offset=-1")).Error(400, "INVALID_REQUEST", "offset");
        await (await tenant.Http.GetAsync("/v1/locations?type=castle")).Error(400, "INVALID_REQUEST", "type");
        await (await tenant.Http.GetAsync("/v1/locations?info=maybe")).Error(400, "INVALID_REQUEST", "info");
    }

    [Fact]
    public async Task Last_update_has_seed_002s_shape_and_is_null_before_any_event()
    {
        var tenant = await host.CreateTenantAsync();
        await Create(tenant, new { name = "Madison Ave Store" });
        var body = await (await tenant.Http.GetAsync("/v1/locations/last-update/madison-ave-store")).Json(200);
        Assert.Equal("""[{"last-update":null}]""", body.GetRawText());
        await (await tenant.Http.GetAsync("/v1/locations/last-update/unknown-store")).Error(404, "NOT_FOUND");
    }

    private static async Task<JsonElement> Create(TestTenant tenant, object body) =>
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", body)).Json(201);
}
