using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;

namespace HeatmapSaas.Tests.Tenants;

public sealed class RateLimitApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Free_plan_gets_100_requests_an_hour_then_429_with_headers()
    {
        var tenant = await host.CreateTenantAsync("free");
        HttpResponseMessage? last = null;
        for (var i = 1; i <= 100; i++)
        {
            last = await tenant.Http.GetAsync("/v1/locations");
            await last.Json(200);
            Assert.Equal((100 - i).ToString(), Header(last, "X-RateLimit-Remaining"));
        }

        Assert.Equal("100", Header(last!, "X-RateLimit-Limit"));
        var reset = long.Parse(Header(last!, "X-RateLimit-Reset"));
        Assert.Equal(0, reset % 3600);
        Assert.Equal("\"hourly\";q=100;w=3600", Header(last!, "RateLimit-Policy"));
        Assert.Matches("^\"hourly\";r=0;t=\\d+$", Header(last!, "RateLimit"));

        var refused = await tenant.Http.GetAsync("/v1/locations");
        await refused.Error(429, "RATE_LIMITED");
        var retryAfter = int.Parse(Header(refused, "Retry-After"));
        Assert.InRange(retryAfter, 0, 3600);
        Assert.Equal("0", Header(refused, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Unlimited_plans_send_no_rate_limit_headers()
    {
        var tenant = await host.CreateTenantAsync("enterprise");
        var response = await tenant.Http.GetAsync("/v1/locations");
        await response.Json(200);
        Assert.False(response.Headers.Contains("X-RateLimit-Limit"));
        Assert.False(response.Headers.Contains("RateLimit-Policy"));
    }

    [Fact]
    public async Task Unauthorized_requests_do_not_count()
    {
        var tenant = await host.CreateTenantAsync("pro");
        using var wrong = host.Client("hm_live_wrong");
        await (await wrong.GetAsync("/v1/locations")).Error(401, "UNAUTHORIZED");
        var first = await tenant.Http.GetAsync("/v1/locations");
        Assert.Equal("9999", Header(first, "X-RateLimit-Remaining"));
        var second = await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "" });
        await second.Error(400, "INVALID_REQUEST", "name");
        Assert.Equal("9998", Header(second, "X-RateLimit-Remaining"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : throw new Xunit.Sdk.XunitException($"missing header {name}");
}
