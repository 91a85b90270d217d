using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace HeatmapSaas.Tests.Locations;

public sealed class IngestApiTests(FixedClockApiHost host) : IClassFixture<FixedClockApiHost>
{
    private static int _batch;

    [Fact]
    public async Task A_batch_is_counted_once_and_a_retry_answers_duplicate()
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant, "America/New_York");
        var body = Batch("b-1", ("position", "t-1", "2020-01-01T14:00:00Z", 150, 200), ("position", "t-1", "2020-01-01T14:00:12Z", 160, 200));

        var first = await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Json(202);
        Assert.Equal(2, first.GetProperty("accepted").GetInt32());
        Assert.False(first.GetProperty("duplicate").GetBoolean());
        var again = await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Json(202);
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal(2, again.GetProperty("accepted").GetInt32());

        var counts = await (await tenant.Http.GetAsync($"/v1/traffic/engagement-counts/{location}/2020-01-01")).Json(200);
        Assert.Equal("""[{"hr":9,"engagements":1,"start":"2020-01-01T09:00:00-05:00"}]""", counts.GetRawText());
        var lastUpdate = await (await tenant.Http.GetAsync($"/v1/locations/last-update/{location}")).Json(200);
        Assert.Equal("""[{"last-update":"2020-01-01T14:00:12Z"}]""", lastUpdate.GetRawText());
    }

    [Fact]
    public async Task Per_event_rejections_carry_index_and_code()
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant);
        var body = """
            {"batch_id":"mixed-1","gateway_id":"gw-1","events":[
              {"type":"position","track_id":"a","ts":"2020-01-01T10:00:00Z","x":1,"y":1},
              {"type":"teleport","track_id":"a","ts":"2020-01-01T10:00:00Z","x":1,"y":1},
              {"type":"position","ts":"2020-01-01T10:00:00Z","x":1,"y":1},
              {"type":"position","track_id":"a","ts":"2020-01-01T10:00:00Z","x":1000,"y":1},
              {"type":"position","track_id":"a","ts":"2020-01-02T12:06:00Z","x":1,"y":1},
              {"type":"position","track_id":"a","ts":"2019-12-25T11:59:00Z","x":1,"y":1},
              {"type":"position","track_id":"a","ts":"yesterday","x":1,"y":1},
              {"type":"conversion","ts":"2020-01-01T10:05:00+01:00","value":9.5,"extra":{"ignored":true}}]}
            """;
        var receipt = await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Json(202);
        Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());
        Assert.Equal(6, receipt.GetProperty("rejected").GetInt32());
        var errors = receipt.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("code").GetString()!)).ToArray();
        Assert.Equal(new (int, string)[] { (1, "unknown_type"), (2, "missing_field"), (3, "out_of_bounds"), (4, "ts_in_future"), (5, "ts_too_old"), (6, "invalid_value") }, errors);

        var metrics = await (await host.Client().GetAsync("/metrics")).Content.ReadAsStringAsync();
        Assert.Contains("# TYPE heatmap_events_rejected_total counter", metrics);
        Assert.True(HeatmapSaas.Tests.Support.MetricsText.Sum(metrics, "heatmap_events_rejected_total") >= 6);
        Assert.True(HeatmapSaas.Tests.Support.MetricsText.Sum(metrics, "orleans_catalog_activations") > 0);

        var gateways = await (await tenant.Http.GetAsync($"/v1/locations/{location}/gateways")).Json(200);
        Assert.Equal("gw-1", gateways[0].GetProperty("gateway_id").GetString());
        Assert.Equal(1, gateways[0].GetProperty("batches").GetInt64());
    }

    [Theory]
    [InlineData("{\"batch_id\":\"x\",\"events\":[")]
    [InlineData("{\"batch_id\":\"x\",\"events\":[]}")]
    [InlineData("{\"events\":[{\"type\":\"position\"}]}")]
    [InlineData("{\"batch_id\":\"bad id!\",\"events\":[{\"type\":\"position\"}]}")]
    public async Task Whole_batch_refusals_are_400_and_count_nothing(string body)
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant);
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Error(400, "INVALID_REQUEST");
        var last = await (await tenant.Http.GetAsync($"/v1/locations/last-update/{location}")).Json(200);
        Assert.Equal(JsonValueKind.Null, last[0].GetProperty("last-update").ValueKind);
    }

    [Fact]
    public async Task Conversion_values_outside_the_range_are_refused_per_event_and_the_location_serves_on()
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant);
        var body = """
            {"batch_id":"poison-1","events":[
              {"type":"conversion","ts":"2020-01-01T10:00:00Z","value":1e29},
              {"type":"conversion","ts":"2020-01-01T10:00:00Z","value":5e28},
              {"type":"conversion","ts":"2020-01-01T10:00:00Z","value":5e28},
              {"type":"conversion","ts":"2020-01-01T10:00:00Z","value":-1e29},
              {"type":"conversion","ts":"2020-01-01T10:00:00Z","value":1000000000001},
              {"type":"conversion","ts":"2020-01-01T10:00:00Z","value":1000000000000},
              {"type":"conversion","ts":"2020-01-01T10:00:00Z","value":19.99}]}
            """;
        var receipt = await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Json(202);
        Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());
        var errors = receipt.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("code").GetString()!)).ToArray();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (i, "invalid_value")), errors);
        var again = await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Json(202);
        Assert.True(again.GetProperty("duplicate").GetBoolean());

        var analytics = await (await tenant.Http.GetAsync($"/v1/locations/{location}/analytics?start_date=2020-01-01&end_date=2020-01-01")).Json(200);
        Assert.Equal(2, analytics.GetProperty("daily_breakdown")[0].GetProperty("conversions").GetInt64());
    }

    [Theory]
    [InlineData("{\"batch_id\":\"s-1\",\"events\":[EV]} trailing", null)]
    [InlineData("{\"batch_id\":\"s-2\",\"events\":[EV]}{\"batch_id\":\"s-2b\",\"events\":[EV]}", null)]
    [InlineData("{\"batch_id\":\"s-3\",\"events\":[EV],\"events\":[EV]}", "events")]
    [InlineData("{\"batch_id\":\"s-4\",\"batch_id\":\"s-4b\",\"events\":[EV]}", "batch_id")]
    [InlineData("{\"batch_id\":\"s-5\",\"gateway_id\":\"a\",\"gateway_id\":\"b\",\"events\":[EV]}", "gateway_id")]
    public async Task A_body_is_exactly_one_object_with_each_key_once(string body, string? parameter)
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant);
        var json = body.Replace("EV", """{"type":"position","track_id":"a","ts":"2020-01-01T10:00:00Z","x":1,"y":1}""");
        var error = await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(json))).Error(400, "INVALID_REQUEST", parameter);
        Assert.Contains(parameter ?? "exactly one JSON object", error.GetProperty("message").GetString());
        var last = await (await tenant.Http.GetAsync($"/v1/locations/last-update/{location}")).Json(200);
        Assert.Equal(JsonValueKind.Null, last[0].GetProperty("last-update").ValueKind);

        var lines = "{\"type\":\"position\",\"track_id\":\"a\",\"ts\":\"2020-01-01T10:00:00Z\",\"x\":5,\"y\":5} {\"type\":\"track_end\",\"track_id\":\"a\",\"ts\":\"2020-01-01T10:00:01Z\"}\n";
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events?batch_id=nd-strict",
            new StringContent(lines, Encoding.UTF8, "application/x-ndjson"))).Error(400, "INVALID_REQUEST");
    }

    [Fact]
    public async Task Floors_end_where_cells_end_and_the_widest_floor_keeps_its_far_cells_apart()
    {
        var tenant = await host.CreateTenantAsync();
        foreach (var (width, parameter) in new[] { (655_341.0, "floor_plan.width"), (1_000_000.0, "floor_plan.width") })
        {
            var refused = await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Too Wide", floor_plan = new { width, height = 100 } }))
                .Error(400, "INVALID_REQUEST", parameter);
            Assert.Equal("out_of_range", refused.GetProperty("details").GetProperty("type").GetString());
        }

        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Widest", floor_plan = new { width = 655_340, height = 655_340 } })).Json(201))
            .GetProperty("id").GetString()!;
        var heatmap = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "Far", location_id = location, type = "customer_flow", cell_size = 10 })).Json(201))
            .GetProperty("id").GetString()!;
        var receipt = await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(Batch("far",
            ("position", "a", "2020-01-01T10:00:00Z", 655_339.9, 655_339.9),
            ("position", "b", "2020-01-01T10:00:00Z", 655_320, 655_339.9),
            ("position", "c", "2020-01-01T10:00:00Z", 700_000, 1),
            ("position", "d", "2020-01-01T10:00:00Z", 999_999, 1))))).Json(202);
        Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());
        Assert.Equal(["out_of_bounds", "out_of_bounds"], receipt.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()));

        var data = await (await tenant.Http.GetAsync($"/v1/heatmaps/{heatmap}/data?start_date=2020-01-01&end_date=2020-01-01")).Json(200);
        var xs = data.GetProperty("data_points").EnumerateArray().Select(p => p.GetProperty("x").GetDouble()).Order().ToArray();
        Assert.Equal([655_325.0, 655_335.0], xs);
    }

    [Fact]
    public async Task More_than_10000_events_is_413()
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant);
        var events = Enumerable.Range(0, 10_001).Select(_ => ("position", "t", "2020-01-01T10:00:00Z", 1.0, 1.0)).ToArray();
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(Batch("big", events)))).Error(413, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Ndjson_takes_ids_from_the_query()
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant);
        var lines = "{\"type\":\"position\",\"track_id\":\"a\",\"ts\":\"2020-01-01T10:00:00Z\",\"x\":5,\"y\":5}\n\n{\"type\":\"track_end\",\"track_id\":\"a\",\"ts\":\"2020-01-01T10:00:01Z\"}\n";
        var response = await tenant.Http.PostAsync($"/v1/locations/{location}/events?batch_id=nd-1&gateway_id=gw-9",
            new StringContent(lines, Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(2, (await response.Json(202)).GetProperty("accepted").GetInt32());
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", new StringContent(lines, Encoding.UTF8, "application/x-ndjson"))).Error(400, "INVALID_REQUEST", "batch_id");
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", new StringContent(lines, Encoding.UTF8, "text/plain"))).Error(415, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task Ingest_keys_work_here_and_nowhere_else()
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant);
        var key = (await (await tenant.Http.PostAsJsonAsync("/v1/api-keys", new { name = "gw", scope = "ingest" })).Json(201)).GetProperty("api_key").GetString();
        using var gateway = host.Client(key);
        await (await gateway.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(Batch("k-1", ("position", "a", "2020-01-01T10:00:00Z", 1, 1))))).Json(202);
        await (await gateway.GetAsync($"/v1/traffic/impression-counts/{location}/2020-01-01")).Error(403, "FORBIDDEN");
        var reader = (await (await tenant.Http.PostAsJsonAsync("/v1/api-keys", new { name = "r", scope = "read" })).Json(201)).GetProperty("api_key").GetString();
        using var dashboard = host.Client(reader);
        await (await dashboard.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(Batch("k-2", ("position", "a", "2020-01-01T10:00:00Z", 1, 1))))).Error(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Seed_002_requests_work_verbatim()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Madison Ave Store", slug = "madison-ave-store", timezone = "America/New_York" })).Json(201);
        // Three visitors: 9:10 (2 s), 9:20 (11 s, touches a product), 10:05 (4 s), New York time.
        await Post(tenant, "madison-ave-store", Batch("seed-1",
            ("position", "a", "2020-01-01T14:10:00Z", 10, 10), ("position", "a", "2020-01-01T14:10:02Z", 12, 10),
            ("position", "b", "2020-01-01T14:20:00Z", 50, 50), ("interaction", "b", "2020-01-01T14:20:11Z", 55, 50),
            ("position", "c", "2020-01-01T15:05:00Z", 90, 90), ("position", "c", "2020-01-01T15:05:04Z", 95, 90)));
        using var seedStyle = host.Client(tenant.ApiKey, bearer: false);

        async Task<string> Get(string path) => (await (await seedStyle.GetAsync(path)).Json(200)).GetRawText();
        Assert.Equal("""[{"hr":9,"impressions":2,"start":"2020-01-01T09:00:00-05:00"},{"hr":10,"impressions":1,"start":"2020-01-01T10:00:00-05:00"}]""",
            await Get("/v1/traffic/impression-counts/madison-ave-store/2020-01-01"));
        Assert.Equal("""[{"hr":9,"discoveries":1,"start":"2020-01-01T09:00:00-05:00"},{"hr":10,"discoveries":1,"start":"2020-01-01T10:00:00-05:00"}]""",
            await Get("/v1/traffic/discovery-counts/madison-ave-store/2020-01-01"));
        Assert.Equal("""[{"hr":9,"engagements":1,"start":"2020-01-01T09:00:00-05:00"},{"hr":10,"engagements":0,"start":"2020-01-01T10:00:00-05:00"}]""",
            await Get("/v1/traffic/engadgment-counts/madison-ave-store/2020-01-01"));
        Assert.Equal("""[{"hr":9,"interactions":1,"start":"2020-01-01T09:00:00-05:00"},{"hr":10,"interactions":0,"start":"2020-01-01T10:00:00-05:00"}]""",
            await Get("/v1/traffic/interaction-counts/madison-ave-store/2020-01-01"));
        Assert.Equal("""[{"hr":9,"min":0,"impressions":1,"start":"2020-01-01T09:00:00-05:00"},{"hr":9,"min":15,"impressions":1,"start":"2020-01-01T09:15:00-05:00"}]""",
            await Get("/v1/traffic/impression-counts/madison-ave-store/2020-01-01?interval=15min&hour=9"));
        Assert.Equal("""[{"date":"2020-01-01","impressions":3}]""", await Get("/v1/traffic/impression-counts/madison-ave-store/2020-01-01?interval=day"));
        Assert.Equal("[]", await Get("/v1/traffic/impression-counts/madison-ave-store/2019-12-31"));
        Assert.Equal("""[{"last-update":"2020-01-01T15:05:04Z"}]""", await Get("/v1/locations/last-update/madison-ave-store"));

        await (await seedStyle.GetAsync("/v1/traffic/impression-counts/madison-ave-store/2020-13-01")).Error(400, "INVALID_REQUEST", "date");
        await (await seedStyle.GetAsync("/v1/traffic/impression-counts/madison-ave-store/2020-01-01?interval=week")).Error(400, "INVALID_REQUEST", "interval");
        await (await seedStyle.GetAsync("/v1/traffic/impression-counts/madison-ave-store/2020-01-01?interval=day&hour=9")).Error(400, "INVALID_REQUEST", "hour");
        await (await seedStyle.GetAsync("/v1/traffic/footfall-counts/madison-ave-store/2020-01-01")).Error(400, "INVALID_REQUEST");
        await (await seedStyle.GetAsync("/v1/traffic/impression-counts/nowhere/2020-01-01")).Error(404, "NOT_FOUND");

        var csv = await (await seedStyle.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/traffic/impression-counts/madison-ave-store/2020-01-01")
        { Headers = { { "Accept", "text/csv" } } })).Content.ReadAsStringAsync();
        Assert.Equal("hr,impressions,start\r\n9,2,2020-01-01T09:00:00-05:00\r\n10,1,2020-01-01T10:00:00-05:00\r\n", csv);
    }

    [Fact]
    public async Task Analytics_and_heatmap_data_answer_from_the_same_events()
    {
        var tenant = await host.CreateTenantAsync();
        var location = await NewLocation(tenant, "America/New_York");
        var heatmap = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "h", location_id = location, type = "customer_flow", cell_size = 20 })).Json(201)).GetProperty("id").GetString();
        await Post(tenant, location, Batch("an-1",
            ("position", "a", "2020-01-01T14:10:00Z", 10, 10), ("position", "a", "2020-01-01T14:10:30Z", 15, 12),
            ("position", "b", "2020-01-01T15:00:00Z", 30, 30)));
        await Post(tenant, location, """{"batch_id":"an-2","events":[{"type":"conversion","ts":"2020-01-01T15:30:00Z","value":5}]}""");

        var analytics = await (await tenant.Http.GetAsync($"/v1/locations/{location}/analytics?start_date=2020-01-01&end_date=2020-01-01")).Json(200);
        var metrics = analytics.GetProperty("metrics");
        Assert.Equal(2, metrics.GetProperty("visitors").GetInt64());
        Assert.Equal(0.25m, metrics.GetProperty("avg_duration_minutes").GetDecimal());
        Assert.Equal(0.5m, metrics.GetProperty("conversion_rate").GetDecimal());
        Assert.Equal(new[] { 9, 10 }, metrics.GetProperty("peak_hours").EnumerateArray().Select(h => h.GetInt32()).ToArray());
        Assert.Equal("2020-01-01T05:00:00Z", analytics.GetProperty("period").GetProperty("start").GetString());
        Assert.Equal("2020-01-02T05:00:00Z", analytics.GetProperty("period").GetProperty("end").GetString());
        Assert.Single(analytics.GetProperty("daily_breakdown").EnumerateArray());
        var onlyVisitors = await (await tenant.Http.GetAsync($"/v1/locations/{location}/analytics?start_date=2020-01-01&end_date=2020-01-01&metrics=visitors")).Json(200);
        Assert.False(onlyVisitors.GetProperty("metrics").TryGetProperty("conversion_rate", out _));
        await (await tenant.Http.GetAsync($"/v1/locations/{location}/analytics?start_date=2020-01-01&end_date=2020-01-01&metrics=magic")).Error(400, "INVALID_REQUEST", "metrics");
        await (await tenant.Http.GetAsync($"/v1/locations/{location}/analytics?end_date=2020-01-01")).Error(400, "INVALID_REQUEST", "start_date");

        var data = await (await tenant.Http.GetAsync($"/v1/heatmaps/{heatmap}/data?start_date=2020-01-01&end_date=2020-01-01")).Json(200);
        var points = data.GetProperty("data_points").EnumerateArray().ToList();
        Assert.Equal(2, points.Count);
        Assert.Equal("2020-01-01T14:00:00Z", points[0].GetProperty("timestamp").GetString());
        Assert.Equal(10, points[0].GetProperty("x").GetDouble());
        Assert.Equal(2, points[0].GetProperty("count").GetInt32());
        Assert.Equal(1.0, points[0].GetProperty("intensity").GetDouble());
        Assert.Equal(0.5, points[1].GetProperty("intensity").GetDouble());
        Assert.Equal(2, data.GetProperty("summary").GetProperty("total_visitors").GetInt64());
        Assert.Equal(9, data.GetProperty("summary").GetProperty("peak_hour").GetInt32());
        Assert.Equal("Wednesday", data.GetProperty("summary").GetProperty("busiest_day").GetString());
        Assert.Equal(50, data.GetProperty("grid").GetProperty("width").GetInt32());

        // A heatmap created afterwards shows the same past data.
        var late = (await (await tenant.Http.PostAsJsonAsync("/v1/heatmaps", new { name = "late", location_id = location, type = "customer_flow", cell_size = 20 })).Json(201)).GetProperty("id").GetString();
        var lateData = await (await tenant.Http.GetAsync($"/v1/heatmaps/{late}/data?start_date=2020-01-01&end_date=2020-01-01")).Json(200);
        Assert.Equal(data.GetProperty("data_points").GetRawText(), lateData.GetProperty("data_points").GetRawText());
        await (await tenant.Http.GetAsync($"/v1/heatmaps/{late}/data?start_date=2020-01-02&end_date=2020-01-01")).Error(400, "INVALID_REQUEST");

        var png = await tenant.Http.GetAsync($"/v1/heatmaps/{late}/image.png?start_date=2020-01-01&end_date=2020-01-01");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        var bytes = await png.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        await (await tenant.Http.GetAsync($"/v1/heatmaps/{late}/image.png?start_date=2020-01-01")).Error(400, "INVALID_REQUEST", "end_date");
        await (await tenant.Http.GetAsync($"/v1/heatmaps/{late}/data?start_date=2020-01-01&end_date=2020-01-01&granularity=month")).Error(400, "INVALID_REQUEST", "granularity");
    }

    private static async Task Post(TestTenant tenant, string location, string body) =>
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Json(202);

    private static string Batch(string id, params (string Type, string Track, string Ts, double X, double Y)[] events) =>
        JsonSerializer.Serialize(new
        {
            batch_id = id + "-" + Interlocked.Increment(ref _batch),
            events = events.Select(e => new { type = e.Type, track_id = e.Track, ts = e.Ts, x = e.X, y = e.Y }),
        });

    private static async Task<string> NewLocation(TestTenant tenant, string timezone = "UTC") =>
        (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Store", timezone })).Json(201)).GetProperty("id").GetString()!;
}
