namespace HeatmapSaas.Tests.Api;

/// <summary>Seed 000's Locations and Heatmaps requests, sent as the document shows them.</summary>
public sealed class SeedExampleApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Seed_000_locations_and_heatmaps_work_verbatim()
    {
        var tenant = await host.CreateTenantAsync();
        var location = await (await tenant.Http.PostAsync("/v1/locations", HttpAssertions.JsonBody("""
            {
              "name": "Store A - Main Branch",
              "address": "1 Battery Street, San Francisco, CA 94111",
              "latitude": 37.7922,
              "longitude": -122.3942,
              "type": "retail",
              "timezone": "America/Los_Angeles"
            }
            """))).Json(201);
        Assert.Equal("Store A - Main Branch", location.GetProperty("name").GetString());
        Assert.Equal("1 Battery Street, San Francisco, CA 94111", location.GetProperty("address").GetString());
        Assert.Equal(37.7922, location.GetProperty("latitude").GetDouble());
        Assert.Equal(-122.3942, location.GetProperty("longitude").GetDouble());
        Assert.Equal("retail", location.GetProperty("type").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", location.GetProperty("created_at").GetString());
        var locationId = location.GetProperty("id").GetString();

        var list = await (await tenant.Http.GetAsync("/v1/locations?limit=20&offset=0&type=retail")).Json(200);
        var row = list.GetProperty("locations")[0];
        Assert.Equal(locationId, row.GetProperty("id").GetString());
        Assert.Equal("retail", row.GetProperty("type").GetString());
        Assert.Equal(0, row.GetProperty("heatmaps_count").GetInt32());
        Assert.Equal(20, list.GetProperty("pagination").GetProperty("limit").GetInt32());

        var heatmap = await (await tenant.Http.PostAsync("/v1/heatmaps", HttpAssertions.JsonBody($$"""
            {
              "name": "Store A - Customer Flow",
              "location_id": "{{locationId}}",
              "type": "customer_flow",
              "timezone": "America/Los_Angeles",
              "refresh_interval": 3600
            }
            """))).Json(201);
        Assert.Equal("Store A - Customer Flow", heatmap.GetProperty("name").GetString());
        Assert.Equal(locationId, heatmap.GetProperty("location_id").GetString());
        Assert.Equal("customer_flow", heatmap.GetProperty("type").GetString());
        Assert.Equal("active", heatmap.GetProperty("status").GetString());
    }
}
