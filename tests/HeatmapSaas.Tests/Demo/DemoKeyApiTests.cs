using System.Net;
using HeatmapSaas.Api.Demo;
using HeatmapSaas.Tests.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HeatmapSaas.Tests.Demo;

/// <summary>The dashboard's first-run offer of the Demo key: embedded mode, loopback, no proxy; never in PostgreSQL mode.</summary>
public sealed class DemoKeyApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_loopback_browser_gets_the_working_Demo_key_and_a_proxied_request_does_not()
    {
        await host.Services.GetRequiredService<DemoKeyOffer>().Kept.WaitAsync(TimeSpan.FromSeconds(30));
        using var anonymous = host.Client();

        var offered = await (await anonymous.GetAsync(DemoKeyEndpoints.Path)).Json(200);
        var key = offered.GetProperty("api_key").GetString()!;
        Assert.StartsWith("hm_live_", key, StringComparison.Ordinal);
        using var demo = host.Client(key);
        var usage = await (await demo.GetAsync("/v1/usage")).Json(200);
        Assert.Equal("enterprise", usage.GetProperty("plan").GetString());

        using var proxied = new HttpRequestMessage(HttpMethod.Get, DemoKeyEndpoints.Path);
        proxied.Headers.Add("X-Forwarded-For", "192.0.2.10");
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.SendAsync(proxied)).StatusCode);
    }

    [Fact]
    public void PostgreSQL_mode_never_offers_the_key_even_on_loopback()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Database=x" })
            .Build();
        var offer = new DemoKeyOffer(config);
        offer.Keep("hm_live_durable-key");
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;

        Assert.False(offer.Allowed);
        Assert.Null(offer.For(context));
        Assert.False(offer.Kept.IsCompleted);
    }
}
