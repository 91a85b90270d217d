using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;
using System.Text;

namespace HeatmapSaas.Tests.Errors;

public sealed class ErrorEnvelopeApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Unknown_route_is_404_in_the_envelope()
    {
        using var client = host.Client();
        await (await client.GetAsync("/v1/nothing-here")).Error(404, "NOT_FOUND");
    }

    [Fact]
    public async Task Wrong_method_is_405_in_the_envelope()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PutAsJsonAsync("/v1/locations", new { })).Error(405, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task Malformed_json_is_400_without_a_stack_trace()
    {
        var tenant = await host.CreateTenantAsync();
        var response = await tenant.Http.PostAsync("/v1/locations", HttpAssertions.JsonBody("{\"name\": \"x\","));
        var error = await response.Error(400, "INVALID_REQUEST");
        Assert.DoesNotContain(" at ", error.GetRawText());
    }

    [Fact]
    public async Task Wrong_content_type_is_415()
    {
        var tenant = await host.CreateTenantAsync();
        var response = await tenant.Http.PostAsync("/v1/locations", new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await response.Error(415, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task Too_large_body_is_413()
    {
        var tenant = await host.CreateTenantAsync();
        var huge = "{\"name\":\"" + new string('a', 6 * 1024 * 1024) + "\"}";
        // Like curl, wait for 100-continue, so the refusal arrives before the upload instead of resetting it.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/locations") { Content = HttpAssertions.JsonBody(huge) };
        request.Headers.ExpectContinue = true;
        var response = await tenant.Http.SendAsync(request);
        await response.Error(413, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Health_openapi_and_docs_answer()
    {
        using var client = host.Client();
        await (await client.GetAsync("/health/live")).Json(200);
        var ready = await (await client.GetAsync("/health/ready")).Json(200);
        Assert.Equal("ok", ready.GetProperty("cluster").GetString());
        var openApi = await (await client.GetAsync("/openapi/v1.json")).Json(200);
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/v1/locations", out _));
        var docs = await client.GetAsync("/docs");
        Assert.Equal(200, (int)docs.StatusCode);
        Assert.Contains("text/html", docs.Content.Headers.ContentType?.MediaType);
    }
}
