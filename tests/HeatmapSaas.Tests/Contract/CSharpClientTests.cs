using HeatmapSaas.Tests.Api;
using HeatmapSaas.Tests.Webhooks;
using HeatmapSaas.Tests.Contract.Generated;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HeatmapSaas.Tests.Contract;

/// <summary>The C# client NSwag generates at build from the document snapshot calls every route family of a real
/// server (the webhook host, which lets a webhook point at loopback): if it cannot, the document is wrong.</summary>
public sealed class CSharpClientTests(WebhookApiHost host) : IClassFixture<WebhookApiHost>
{
    [Fact]
    public async Task Served_document_is_the_one_the_client_was_generated_from()
    {
        using var client = host.Client();
        await ClientDocument.AssertMatchesAsync(await client.GetStringAsync("/openapi/v1.json"));
    }

    [Fact]
    public async Task Generated_client_calls_every_route_family()
    {
        using var adminHttp = host.Client(ApiHost.AdminKey);
        var tenant = await new HeatmapClient(adminHttp).CreateTenantAsync(new CreateTenantRequest { Name = "C# client " + Guid.NewGuid().ToString("N")[..6], Plan = CreateTenantRequestPlan.Enterprise });
        Assert.StartsWith("hm_", tenant.Api_key);
        using var http = host.Client(tenant.Api_key);
        var api = new HeatmapClient(http);

        var key = await api.CreateApiKeyAsync(new CreateApiKeyRequest { Name = "reader" });
        Assert.Contains((await api.ListApiKeysAsync()).Api_keys, k => k.Id == key.Id);

        var location = await api.CreateLocationAsync(new LocationBody { Name = "Client Store", Slug = "client-store", Timezone = "UTC" });
        Assert.Equal("client-store", (await api.GetLocationAsync("client-store")).Slug);
        Assert.Contains((await api.ListLocationsAsync(limit: 10)).Locations, l => l.Slug == "client-store");

        var today = DateTimeOffset.UtcNow.Date;
        var receipt = await api.IngestEventsAsync("client-store", new Body
        {
            Batch_id = "csharp-client-1",
            Events = [new Events { Type = EventsType.Position, Track_id = "t1", Ts = DateTimeOffset.UtcNow, X = 0.5, Y = 0.5 }],
        });
        Assert.Equal(1, receipt.Accepted);

        var heatmap = await api.CreateHeatmapAsync(new HeatmapBody { Name = "Floor", Location_id = location.Id, Type = "customer_flow" });
        Assert.Equal(heatmap.Id, (await api.GetHeatmapAsync(heatmap.Id)).Id);
        var data = await api.GetHeatmapDataAsync(heatmap.Id, today, today);
        Assert.NotNull(data);

        var traffic = await api.GetTrafficCountsAsync(Kind.DiscoveryCounts, "client-store", today);
        Assert.NotNull(traffic);
        var analytics = await api.GetLocationAnalyticsAsync("client-store", today, today);
        Assert.NotNull(analytics);

        using var image = new Image<Rgba32>(40, 30, new Rgba32(0xD3, 0xD3, 0xD3));
        using var png = new MemoryStream();
        await image.SaveAsPngAsync(png);
        png.Position = 0;
        await api.PutFloorPlanAsync("client-store", new FileParameter(png, "plan.png", "image/png"));
        using var plan = await api.GetFloorPlanAsync("client-store");
        Assert.Equal(200, plan.StatusCode);

        var webhook = await api.RegisterWebhookAsync(new WebhookBody { Url = "http://127.0.0.1:9/hook", Events = ["payment.succeeded"], Active = true });
        Assert.Contains((await api.ListWebhooksAsync()).Webhooks, w => w.Id == webhook.Id);

        var intent = await api.CreatePaymentIntentAsync(body: new PaymentIntentBody { Amount = 9999, Currency = "USD", Customer_id = "cust_client", Plan_id = "plan_pro" });
        Assert.Equal(intent.Intent_id, (await api.GetPaymentIntentAsync(intent.Intent_id)).Intent_id);

        using var anonymous = host.Client();
        await new HeatmapClient(anonymous).TrackLandingEventAsync(new TrackBody { Tenant_id = tenant.Id, Event_type = TrackBodyEvent_type.Pageview });
        var landing = await api.GetLandingTodayAsync(tenant.Id);
        Assert.NotNull(landing);

        var usage = await api.GetUsageAsync();
        Assert.Equal(tenant.Id, usage.Tenant_id);
    }
}
