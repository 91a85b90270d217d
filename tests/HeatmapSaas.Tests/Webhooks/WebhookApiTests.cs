using System.Net;
using HeatmapSaas.Tests.Api;

namespace HeatmapSaas.Tests.Webhooks;

/// <summary>Registration and management, on a host with the SSRF guard on (the default).</summary>
public sealed class WebhookApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Register_list_get_patch_and_delete()
    {
        var tenant = await host.CreateTenantAsync();
        var created = await (await tenant.Http.PostAsync("/v1/webhooks", HttpAssertions.JsonBody("""
            {"url":"https://hooks.example.com/heatmap","events":["heatmap.created","payment.succeeded"]}
            """))).Json(201);
        var id = created.GetProperty("id").GetString()!;
        Assert.Matches("^webhook_[A-Za-z0-9]{20}$", id);
        Assert.True(created.GetProperty("active").GetBoolean());
        var secret = created.GetProperty("secret").GetString()!;
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);

        var one = await (await tenant.Http.GetAsync($"/v1/webhooks/{id}")).Json(200);
        Assert.False(one.TryGetProperty("secret", out _));
        Assert.Equal("https://hooks.example.com/heatmap", one.GetProperty("url").GetString());
        var list = await (await tenant.Http.GetAsync("/v1/webhooks")).Json(200);
        Assert.Equal(id, Assert.Single(list.GetProperty("webhooks").EnumerateArray()).GetProperty("id").GetString());
        Assert.False(list.GetProperty("webhooks")[0].TryGetProperty("secret", out _));
        Assert.Equal(1, list.GetProperty("pagination").GetProperty("total").GetInt32());

        var patched = await (await tenant.Http.PatchAsync($"/v1/webhooks/{id}", HttpAssertions.JsonBody("""
            {"events":["heatmap.data_updated"],"active":false}
            """))).Json(200);
        Assert.Equal(["heatmap.data_updated"], patched.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.False(patched.GetProperty("active").GetBoolean());
        Assert.Equal("https://hooks.example.com/heatmap", patched.GetProperty("url").GetString());

        var deliveries = await (await tenant.Http.GetAsync($"/v1/webhooks/{id}/deliveries")).Json(200);
        Assert.Empty(deliveries.GetProperty("deliveries").EnumerateArray());

        var other = await host.CreateTenantAsync();
        await (await other.Http.GetAsync($"/v1/webhooks/{id}")).Error(404, "NOT_FOUND");
        await (await other.Http.DeleteAsync($"/v1/webhooks/{id}")).Error(404, "NOT_FOUND");

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Http.DeleteAsync($"/v1/webhooks/{id}")).StatusCode);
        await (await tenant.Http.GetAsync($"/v1/webhooks/{id}")).Error(404, "NOT_FOUND");
        await (await tenant.Http.GetAsync($"/v1/webhooks/{id}/deliveries")).Error(404, "NOT_FOUND");
    }

    [Theory]
    [InlineData("""{"events":["heatmap.created"]}""", "url")]
    [InlineData("""{"url":"ftp://example.com/x","events":["heatmap.created"]}""", "url")]
    [InlineData("""{"url":"/relative","events":["heatmap.created"]}""", "url")]
    [InlineData("""{"url":"https://example.com/x"}""", "events")]
    [InlineData("""{"url":"https://example.com/x","events":[]}""", "events")]
    [InlineData("""{"url":"https://example.com/x","events":["heatmap.deleted"]}""", "events")]
    [InlineData("""{"url":"https://example.com/x","events":["heatmap.created"],"active":"yes"}""", "active")]
    public async Task Bad_registrations_answer_400_naming_the_parameter(string body, string parameter)
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsync("/v1/webhooks", HttpAssertions.JsonBody(body))).Error(400, "INVALID_REQUEST", parameter);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://api.localhost/hook")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("http://192.168.1.10/hook")]
    [InlineData("http://172.20.0.1/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://0.0.0.0/hook")]
    public async Task Loopback_private_and_link_local_targets_are_refused_at_registration(string url)
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsync("/v1/webhooks", HttpAssertions.JsonBody(
            $$"""{"url":"{{url}}","events":["heatmap.created"]}"""))).Error(400, "INVALID_REQUEST", "url");
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_at_registration_and_on_patch()
    {
        var name = Environment.MachineName.ToLowerInvariant();
        var addresses = await Dns.GetHostAddressesAsync(name);
        Assert.True(addresses.Any(HeatmapSaas.Grains.Webhooks.WebhookTargetGuard.IsForbidden),
            $"this test needs the machine name to resolve to a loopback or private address among others; {name} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}");

        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsync("/v1/webhooks", HttpAssertions.JsonBody(
            $$"""{"url":"http://{{name}}:9/hook","events":["heatmap.created"]}"""))).Error(400, "INVALID_REQUEST", "url");
        var id = (await (await tenant.Http.PostAsync("/v1/webhooks", HttpAssertions.JsonBody(
            """{"url":"https://hooks.example.com/x","events":["heatmap.created"]}"""))).Json(201)).GetProperty("id").GetString();
        await (await tenant.Http.PatchAsync($"/v1/webhooks/{id}", HttpAssertions.JsonBody(
            $$"""{"url":"http://{{name}}:9/hook"}"""))).Error(400, "INVALID_REQUEST", "url");
    }

    [Fact]
    public async Task A_target_that_turns_private_after_registration_is_refused_when_sent_and_not_retried()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var tenant = await host.CreateTenantAsync("free");
        // Straight to the grain, past the registration check: as a public name that later resolves inward would be.
        var grains = (Orleans.IGrainFactory)host.Services.GetService(typeof(Orleans.IGrainFactory))!;
        var issued = await grains.GetGrain<HeatmapSaas.Webhooks.IWebhookRegistryGrain>(tenant.Id)
            .RegisterAsync(new HeatmapSaas.Webhooks.WebhookDraft(receiver.Url.ToString(), ["payment.succeeded"], true));

        await WebhookDeliveryTests.BuyProAsync(tenant);
        var delivery = await WebhookDeliveryTests.WaitForDeliveryAsync(tenant, issued.Endpoint.Id,
            d => d.GetProperty("status").GetString() == "failed");
        var attempt = Assert.Single(delivery.GetProperty("attempts").EnumerateArray());
        Assert.StartsWith("target refused", attempt.GetProperty("error").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, attempt.GetProperty("status_code").ValueKind);
        Assert.False(receiver.TryTake(out _));
    }

    [Fact]
    public async Task The_products_webhook_client_refuses_loopback_when_it_connects()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var factory = (IHttpClientFactory)host.Services.GetService(typeof(IHttpClientFactory))!;
        using var client = factory.CreateClient(HeatmapSaas.Silo.Webhooks.WebhookSender.HttpClientName);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(receiver.Url, new StringContent("{}")));
        Assert.IsType<HeatmapSaas.Grains.Webhooks.WebhookTargetRefusedException>(refused.InnerException);
        Assert.False(receiver.TryTake(out _));
    }
}
