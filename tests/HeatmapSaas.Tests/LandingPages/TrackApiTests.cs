using System.Net;
using System.Text;
using System.Text.Json;
using HeatmapSaas.Tests.Api;

namespace HeatmapSaas.Tests.LandingPages;

/// <summary><c>POST /api/analytics/track</c>: body rules, content types, CORS, errors in the analytics envelope.</summary>
public sealed class TrackApiTests(LandingApiHost host) : IClassFixture<LandingApiHost>
{
    private static readonly string[] EventTypes =
        ["pageview", "click_whatsapp", "click_call", "click_toggle_currency", "time_on_page", "qr_scan", "product_click"];

    [Fact]
    public async Task Seed_example_request_answers_success_and_counts()
    {
        var tenant = await host.CreateTenantAsync();
        // The seed's example body, byte for byte apart from the tenant id.
        var body = $$"""
            {
              "tenant_id": {{tenant.Id}},
              "event_type": "click_whatsapp",
              "metadata": {
                "button_location": "hero"
              }
            }
            """;
        var response = await host.PostTrackAsync(body);
        var answer = await response.Json(200);
        Assert.Equal("""{"success":true}""", JsonSerializer.Serialize(answer));
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var stored = Assert.Single(await host.Analytics(tenant.Id).GetRecentAsync());
        Assert.Equal("""{"button_location":"hero"}""", stored.MetadataJson);
        var today = await (await tenant.Http.GetAsync($"/api/analytics/{tenant.Id}/today")).Json(200);
        Assert.Equal(1, today.GetProperty("whatsapp_clicks").GetInt32());
    }

    [Fact]
    public async Task Every_one_of_the_seven_event_types_is_accepted()
    {
        var tenant = await host.CreateTenantAsync();
        foreach (var type in EventTypes)
        {
            await host.TrackOkAsync(tenant.Id, type, type == "time_on_page" ? new { seconds = 30 } : null);
        }

        var stored = await host.Analytics(tenant.Id).GetRecentAsync();
        Assert.Equal(EventTypes.Length, stored.Count);
    }

    [Theory]
    [InlineData("text/plain;charset=UTF-8")]
    [InlineData("text/plain")]
    [InlineData("application/json; charset=utf-8")]
    public async Task Beacon_bodies_in_text_plain_are_accepted(string contentType)
    {
        var tenant = await host.CreateTenantAsync();
        var response = await host.TrackAsync(tenant.Id, "qr_scan", contentType: contentType);
        Assert.True((await response.Json(200)).GetProperty("success").GetBoolean());
        var today = await (await tenant.Http.GetAsync($"/api/analytics/{tenant.Id}/today")).Json(200);
        Assert.Equal(1, today.GetProperty("qr_scans").GetInt32());
    }

    [Fact]
    public async Task A_body_without_content_type_is_read_as_json_and_form_bodies_are_refused()
    {
        var tenant = await host.CreateTenantAsync();
        using var client = host.Client();
        var bare = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"tenant_id":{{tenant.Id}},"event_type":"pageview"}"""));
        await (await client.PostAsync("/api/analytics/track", bare)).Json(200);

        var form = await host.TrackAsync(tenant.Id, "pageview", contentType: "application/x-www-form-urlencoded");
        await AssertAnalyticsError(form, 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task Cors_preflight_is_answered_for_the_track_route_only()
    {
        using var client = host.Client();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/analytics/track");
        preflight.Headers.Add("Origin", "https://cafe-aurora.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        var response = await client.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Contains("content-type", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        Assert.True(response.Headers.Contains("Access-Control-Max-Age"));

        // Other routes stay closed to cross-origin callers: no preflight answer, no CORS headers.
        var tenant = await host.CreateTenantAsync();
        foreach (var path in new[] { $"/api/analytics/{tenant.Id}", $"/api/analytics/{tenant.Id}/today", "/v1/locations" })
        {
            using var other = new HttpRequestMessage(HttpMethod.Options, path);
            other.Headers.Add("Origin", "https://cafe-aurora.example");
            other.Headers.Add("Access-Control-Request-Method", "GET");
            var refused = await client.SendAsync(other);
            Assert.False(refused.IsSuccessStatusCode, $"{path} answered a preflight with {refused.StatusCode}");
            Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"), path);
        }

        var read = await tenant.Http.GetAsync($"/api/analytics/{tenant.Id}");
        Assert.False(read.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Errors_are_readable_cross_origin_too()
    {
        var response = await host.TrackAsync(1, "bogus");
        await AssertAnalyticsError(response, 400, "INVALID_REQUEST", "event_type");
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Unknown_event_type_is_a_400_naming_it()
    {
        var tenant = await host.CreateTenantAsync();
        var error = await AssertAnalyticsError(await host.TrackAsync(tenant.Id, "click_telegram"), 400, "INVALID_REQUEST", "event_type");
        Assert.Equal("unknown", error.GetProperty("details").GetProperty("type").GetString());
        // Names are exact: no case folding.
        await AssertAnalyticsError(await host.TrackAsync(tenant.Id, "PageView"), 400, "INVALID_REQUEST", "event_type");
        await AssertAnalyticsError(await host.PostTrackAsync($$"""{"tenant_id":{{tenant.Id}}}"""), 400, "INVALID_REQUEST", "event_type");
        await AssertAnalyticsError(await host.PostTrackAsync($$"""{"tenant_id":{{tenant.Id}},"event_type":7}"""), 400, "INVALID_REQUEST", "event_type");
        Assert.Empty(await host.Analytics(tenant.Id).GetRecentAsync());
    }

    [Fact]
    public async Task Unknown_or_malformed_tenant_is_a_400_naming_tenant_id()
    {
        var unknown = await AssertAnalyticsError(await host.TrackAsync(987_654_321, "pageview"), 400, "INVALID_REQUEST", "tenant_id");
        Assert.Equal("unknown", unknown.GetProperty("details").GetProperty("type").GetString());
        await AssertAnalyticsError(await host.TrackAsync(0, "pageview"), 400, "INVALID_REQUEST", "tenant_id");
        await AssertAnalyticsError(await host.TrackAsync(-3, "pageview"), 400, "INVALID_REQUEST", "tenant_id");
        await AssertAnalyticsError(await host.PostTrackAsync("""{"event_type":"pageview"}"""), 400, "INVALID_REQUEST", "tenant_id");
        await AssertAnalyticsError(await host.PostTrackAsync("""{"tenant_id":"1","event_type":"pageview"}"""), 400, "INVALID_REQUEST", "tenant_id");
        await AssertAnalyticsError(await host.PostTrackAsync("""{"tenant_id":1.5,"event_type":"pageview"}"""), 400, "INVALID_REQUEST", "tenant_id");
        await AssertAnalyticsError(await host.PostTrackAsync("not json"), 400, "INVALID_REQUEST");
        await AssertAnalyticsError(await host.PostTrackAsync("[1,2]"), 400, "INVALID_REQUEST");
        await AssertAnalyticsError(await host.PostTrackAsync(""), 400, "INVALID_REQUEST");
    }

    [Fact]
    public async Task Metadata_is_an_object_of_at_most_4_KiB()
    {
        var tenant = await host.CreateTenantAsync();
        // {"note":"…"} is 11 bytes of JSON around the text.
        await host.TrackOkAsync(tenant.Id, "product_click", new { note = new string('x', 4096 - 11) });
        await AssertAnalyticsError(await host.TrackAsync(tenant.Id, "product_click", new { note = new string('x', 4096 - 10) }),
            400, "INVALID_REQUEST", "metadata");
        await AssertAnalyticsError(await host.TrackAsync(tenant.Id, "product_click", new[] { 1, 2 }), 400, "INVALID_REQUEST", "metadata");
        await AssertAnalyticsError(await host.TrackAsync(tenant.Id, "product_click", "hero"), 400, "INVALID_REQUEST", "metadata");
        await host.TrackOkAsync(tenant.Id, "product_click", new { product_id = 42, tags = new[] { "a" }, nested = new { ok = true } });

        var stored = await host.Analytics(tenant.Id).GetRecentAsync();
        Assert.Equal(2, stored.Count);
        Assert.Equal(4096, Encoding.UTF8.GetByteCount(stored[0].MetadataJson!));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_in_the_envelope()
    {
        var tenant = await host.CreateTenantAsync();
        var response = await host.TrackAsync(tenant.Id, "pageview", new { note = new string('x', 20_000) });
        await AssertAnalyticsError(response, 413, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Time_on_page_needs_seconds_between_0_and_86400()
    {
        var tenant = await host.CreateTenantAsync();
        await AssertAnalyticsError(await host.TrackAsync(tenant.Id, "time_on_page"), 400, "INVALID_REQUEST", "metadata.seconds");
        await AssertAnalyticsError(await host.TrackAsync(tenant.Id, "time_on_page", new { other = 1 }), 400, "INVALID_REQUEST", "metadata.seconds");
        await AssertAnalyticsError(await host.TrackAsync(tenant.Id, "time_on_page", new { seconds = "30" }), 400, "INVALID_REQUEST", "metadata.seconds");
        await AssertAnalyticsError(await host.TrackAsync(tenant.Id, "time_on_page", new { seconds = -1 }), 400, "INVALID_REQUEST", "metadata.seconds");
        var tooLong = await AssertAnalyticsError(await host.TrackAsync(tenant.Id, "time_on_page", new { seconds = 86_401 }), 400, "INVALID_REQUEST", "metadata.seconds");
        Assert.Equal("out_of_range", tooLong.GetProperty("details").GetProperty("type").GetString());

        await host.TrackOkAsync(tenant.Id, "time_on_page", new { seconds = 0 });
        await host.TrackOkAsync(tenant.Id, "time_on_page", new { seconds = 86_400 });
        // Other event types may carry any seconds they like: the rule is time_on_page's.
        await host.TrackOkAsync(tenant.Id, "pageview", new { seconds = -5 });
    }

    [Fact]
    public async Task The_101st_event_in_a_minute_is_a_429_with_retry_after()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        for (var i = 0; i < 100; i++)
        {
            await host.TrackOkAsync(tenant.Id, "click_whatsapp", ip: $"198.51.100.{i}");
        }

        var refused = await host.TrackAsync(tenant.Id, "click_whatsapp");
        await AssertAnalyticsError(refused, 429, "RATE_LIMITED");
        Assert.Equal("60", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("*", refused.Headers.GetValues("Access-Control-Allow-Origin").Single());

        // Per tenant: another tenant's budget is untouched.
        await host.TrackOkAsync(other.Id, "click_whatsapp");

        // The window slides: half a minute later the same 100 are still in it.
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        var stillRefused = await host.TrackAsync(tenant.Id, "click_whatsapp");
        await AssertAnalyticsError(stillRefused, 429, "RATE_LIMITED");
        Assert.Equal("30", stillRefused.Headers.GetValues("Retry-After").Single());

        host.Clock.Advance(TimeSpan.FromSeconds(30));
        await host.TrackOkAsync(tenant.Id, "click_whatsapp");

        // Refused events were not counted.
        var dashboard = await (await tenant.Http.GetAsync($"/api/analytics/{tenant.Id}")).Json(200);
        Assert.Equal(101, dashboard.GetProperty("data").GetProperty("whatsapp_clicks").GetInt32());
    }

    [Fact]
    public async Task The_budget_is_the_grains_so_every_api_node_shares_it()
    {
        var tenant = await host.CreateTenantAsync();
        // Another node's requests reach the same grain; here they are made on the grain directly.
        for (var i = 0; i < 60; i++)
        {
            await host.Analytics(tenant.Id).TrackAsync(new HeatmapSaas.LandingPages.LandingHit(
                HeatmapSaas.LandingPages.LandingEventType.Pageview, new string('a', 45), null, null, null, null, false));
        }

        for (var i = 0; i < 40; i++)
        {
            await host.TrackOkAsync(tenant.Id, "pageview");
        }

        await AssertAnalyticsError(await host.TrackAsync(tenant.Id, "pageview"), 429, "RATE_LIMITED");
    }

    [Fact]
    public async Task The_snippet_is_served_at_t_js()
    {
        using var client = host.Client();
        var response = await client.GetAsync("/t.js");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);
        var script = await response.Content.ReadAsStringAsync();
        Assert.Contains("sendBeacon", script);
        Assert.Contains("data-heatmap-event", script);
        Assert.Contains("data-tenant", script);
        Assert.Contains("/api/analytics/track", script);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/t.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", response.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task The_routes_are_in_the_openapi_document()
    {
        using var client = host.Client();
        var document = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/analytics/track", document);
        Assert.Contains("/api/analytics/{tenantId}/today", document);
    }

    /// <summary>The analytics routes' error shape: the contract's envelope plus <c>"success": false</c>.</summary>
    internal static async Task<JsonElement> AssertAnalyticsError(HttpResponseMessage response, int status, string code, string? parameter = null)
    {
        var body = await response.Json(status);
        Assert.False(body.GetProperty("success").GetBoolean());
        return HttpAssertions.ErrorIn(body, code, parameter);
    }
}
