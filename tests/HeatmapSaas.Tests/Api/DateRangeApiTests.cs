using System.Net.Http.Json;

namespace HeatmapSaas.Tests.Api;

/// <summary>Date parameters outside 1970-01-01..2100-12-31 answer 400 <c>out_of_range</c> naming the parameter, on every route.</summary>
public sealed class DateRangeApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    public static TheoryData<string, string, string> OutOfRange() => new()
    {
        { "0001-01-01", "2025-01-01", "start_date" },
        { "1969-12-31", "2025-01-01", "start_date" },
        { "2025-01-01", "9999-12-31", "end_date" },
        { "2025-01-01", "2101-01-01", "end_date" },
        { "0001-01-01T00:00:00Z", "2025-01-01", "start_date" },
        { "2100-12-31", "9999-12-31T23:59:59+14:00", "end_date" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public async Task Report_dates_outside_the_range_are_out_of_range(string start, string end, string parameter)
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Range Store", timezone = "Pacific/Kiritimati" })).Json(201))
            .GetProperty("id").GetString()!;
        var heatmap = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "Range", location_id = location, type = "customer_flow" })).Json(201))
            .GetProperty("id").GetString()!;
        foreach (var path in new[] { $"/v1/heatmaps/{heatmap}/data", $"/v1/heatmaps/{heatmap}/image.png", $"/v1/locations/{location}/analytics" })
        {
            var error = await (await tenant.Http.GetAsync($"{path}?start_date={Uri.EscapeDataString(start)}&end_date={Uri.EscapeDataString(end)}"))
                .Error(400, "INVALID_REQUEST", parameter);
            Assert.Equal("out_of_range", error.GetProperty("details").GetProperty("type").GetString());
        }
    }

    [Theory]
    [InlineData("0001-01-01")]
    [InlineData("1969-12-31")]
    [InlineData("2101-01-01")]
    [InlineData("9999-12-31")]
    public async Task Traffic_dates_outside_the_range_are_out_of_range(string date)
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Traffic Range", timezone = "Pacific/Kiritimati" })).Json(201))
            .GetProperty("id").GetString()!;
        foreach (var kind in new[] { "impression-counts", "discovery-counts", "engagement-counts", "interaction-counts" })
        {
            foreach (var interval in new[] { "hour", "15min", "day" })
            {
                var error = await (await tenant.Http.GetAsync($"/v1/traffic/{kind}/{location}/{date}?interval={interval}")).Error(400, "INVALID_REQUEST", "date");
                Assert.Equal("out_of_range", error.GetProperty("details").GetProperty("type").GetString());
            }
        }
    }

    [Fact]
    public async Task The_range_ends_are_answered()
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Range Ends", timezone = "Pacific/Kiritimati" })).Json(201))
            .GetProperty("id").GetString()!;
        var heatmap = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "Ends", location_id = location, type = "customer_flow" })).Json(201))
            .GetProperty("id").GetString()!;
        foreach (var date in new[] { "1970-01-01", "2100-12-31" })
        {
            await (await tenant.Http.GetAsync($"/v1/traffic/impression-counts/{location}/{date}?interval=15min")).Json(200);
            await (await tenant.Http.GetAsync($"/v1/heatmaps/{heatmap}/data?start_date={date}&end_date={date}")).Json(200);
            await (await tenant.Http.GetAsync($"/v1/locations/{location}/analytics?start_date={date}&end_date={date}")).Json(200);
        }
    }
}
