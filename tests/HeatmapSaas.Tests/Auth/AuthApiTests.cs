using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;
using System.Text.Json;

namespace HeatmapSaas.Tests.Auth;

public sealed class AuthApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Both_authorization_styles_work()
    {
        var tenant = await host.CreateTenantAsync();
        using var bearer = host.Client(tenant.ApiKey, bearer: true);
        using var bare = host.Client(tenant.ApiKey, bearer: false);
        await (await bearer.GetAsync("/v1/locations")).Json(200);
        await (await bare.GetAsync("/v1/locations")).Json(200);
    }

    [Fact]
    public async Task Missing_or_wrong_key_is_401_in_the_envelope()
    {
        using var anonymous = host.Client();
        await (await anonymous.GetAsync("/v1/locations")).Error(401, "UNAUTHORIZED");
        using var wrong = host.Client("hm_live_not-a-real-key");
        await (await wrong.GetAsync("/v1/heatmaps")).Error(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Tenant_creation_needs_the_admin_key_and_validates()
    {
        using var anonymous = host.Client();
        await (await anonymous.PostAsJsonAsync("/v1/tenants", new { name = "x", plan = "free" })).Error(401, "UNAUTHORIZED");
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsJsonAsync("/v1/tenants", new { name = "x", plan = "free" })).Error(401, "UNAUTHORIZED");

        using var admin = host.Client(ApiHost.AdminKey);
        await (await admin.PostAsJsonAsync("/v1/tenants", new { name = "x", plan = "gold" })).Error(400, "INVALID_REQUEST", "plan");
        await (await admin.PostAsJsonAsync("/v1/tenants", new { plan = "free" })).Error(400, "INVALID_REQUEST", "name");
        await (await admin.PostAsJsonAsync("/v1/tenants", new { name = "x", plan = "pro", timezone = "Mars/Base" })).Error(400, "INVALID_REQUEST", "timezone");

        var created = await (await admin.PostAsJsonAsync("/v1/tenants", new { name = "Acme", plan = "pro", timezone = "Europe/Berlin" })).Json(201);
        Assert.Equal("Acme", created.GetProperty("name").GetString());
        Assert.Equal("pro", created.GetProperty("plan").GetString());
        Assert.Equal("Europe/Berlin", created.GetProperty("timezone").GetString());
        Assert.StartsWith("hm_live_", created.GetProperty("api_key").GetString());
        Assert.True(created.GetProperty("api_key").GetString()!.Length >= 8 + 32);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", created.GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task Keys_are_created_listed_masked_and_revoked_at_once()
    {
        var tenant = await host.CreateTenantAsync();
        var issued = await (await tenant.Http.PostAsJsonAsync("/v1/api-keys", new { name = "Store gateway", scope = "ingest" })).Json(201);
        var secret = issued.GetProperty("api_key").GetString()!;
        Assert.Equal("ingest", issued.GetProperty("scope").GetString());

        var list = await (await tenant.Http.GetAsync("/v1/api-keys")).Json(200);
        var keys = list.GetProperty("api_keys").EnumerateArray().ToList();
        Assert.Equal(2, keys.Count);
        var listed = keys.Single(k => k.GetProperty("id").GetString() == issued.GetProperty("id").GetString());
        Assert.Equal(secret[^4..], listed.GetProperty("last4").GetString());
        Assert.Equal("hm_live_", listed.GetProperty("prefix").GetString());
        Assert.DoesNotContain(secret, list.GetRawText());

        var readKey = (await (await tenant.Http.PostAsJsonAsync("/v1/api-keys", new { name = "Dashboard", scope = "read" })).Json(201))
            .GetProperty("api_key").GetString()!;
        using var reader = host.Client(readKey);
        await (await reader.GetAsync("/v1/locations")).Json(200);
        var readKeyId = (await (await tenant.Http.GetAsync("/v1/api-keys")).Json(200)).GetProperty("api_keys")
            .EnumerateArray().Single(k => k.GetProperty("name").GetString() == "Dashboard").GetProperty("id").GetString();
        await (await tenant.Http.DeleteAsync($"/v1/api-keys/{readKeyId}")).Json(204);
        await (await reader.GetAsync("/v1/locations")).Error(401, "UNAUTHORIZED");
        await (await tenant.Http.DeleteAsync($"/v1/api-keys/{readKeyId}")).Error(404, "NOT_FOUND");
        await (await tenant.Http.PostAsJsonAsync("/v1/api-keys", new { name = "x", scope = "root" })).Error(400, "INVALID_REQUEST", "scope");
    }

    [Fact]
    public async Task Scopes_limit_what_a_key_may_do()
    {
        var tenant = await host.CreateTenantAsync();
        async Task<HttpClient> KeyWith(string scope) => host.Client(
            (await (await tenant.Http.PostAsJsonAsync("/v1/api-keys", new { name = scope, scope })).Json(201)).GetProperty("api_key").GetString());

        using var read = await KeyWith("read");
        using var ingest = await KeyWith("ingest");
        await (await read.GetAsync("/v1/heatmaps")).Json(200);
        await (await read.PostAsJsonAsync("/v1/locations", new { name = "Nope" })).Error(403, "FORBIDDEN");
        await (await read.PostAsJsonAsync("/v1/api-keys", new { name = "escalate" })).Error(403, "FORBIDDEN");
        await (await ingest.GetAsync("/v1/locations")).Error(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Another_tenants_resources_are_404()
    {
        var owner = await host.CreateTenantAsync();
        var stranger = await host.CreateTenantAsync();
        var location = await (await owner.Http.PostAsJsonAsync("/v1/locations", new { name = "Private Store", slug = "private-store" })).Json(201);
        var id = location.GetProperty("id").GetString();
        var heatmap = await (await owner.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "h", location_id = id, type = "customer_flow" })).Json(201);
        var heatmapId = heatmap.GetProperty("id").GetString();

        await (await stranger.Http.GetAsync($"/v1/locations/{id}")).Error(404, "NOT_FOUND");
        await (await stranger.Http.GetAsync("/v1/locations/private-store")).Error(404, "NOT_FOUND");
        await (await stranger.Http.GetAsync($"/v1/locations/last-update/{id}")).Error(404, "NOT_FOUND");
        await (await stranger.Http.DeleteAsync($"/v1/locations/{id}")).Error(404, "NOT_FOUND");
        await (await stranger.Http.GetAsync($"/v1/heatmaps/{heatmapId}")).Error(404, "NOT_FOUND");
        await (await stranger.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "h", location_id = id, type = "customer_flow" })).Error(404, "NOT_FOUND", "location_id");
        var list = await (await stranger.Http.GetAsync("/v1/locations")).Json(200);
        Assert.Equal(0, list.GetProperty("pagination").GetProperty("total").GetInt32());
    }
}
