using System.Globalization;
using System.Text.Json;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Tests.Api;
using Microsoft.AspNetCore.SignalR.Client;

namespace HeatmapSaas.Tests.Webhooks;

/// <summary>A location's optional capacity: validated, shown as utilisation in the live counters, and
/// <c>location.occupancy_exceeded</c> sent once per upward crossing, re-armed only below a margin.</summary>
public sealed class OccupancyAlertTests(WebhookApiHost host) : IClassFixture<WebhookApiHost>
{
    [Fact]
    public async Task Capacity_is_optional_validated_and_removable()
    {
        var tenant = await host.CreateTenantAsync();
        var created = await (await tenant.Http.PostAsync("/v1/locations", HttpAssertions.JsonBody("""{"name":"Cap Store","capacity":40}"""))).Json(201);
        Assert.Equal(40, created.GetProperty("capacity").GetInt32());
        var id = created.GetProperty("id").GetString()!;
        var plain = await (await tenant.Http.PostAsync("/v1/locations", HttpAssertions.JsonBody("""{"name":"Plain Store"}"""))).Json(201);
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("capacity").ValueKind);

        await (await tenant.Http.PostAsync("/v1/locations", HttpAssertions.JsonBody("""{"name":"Bad","capacity":-1}""")))
            .Error(400, "INVALID_REQUEST", "capacity");
        var patched = await (await tenant.Http.PatchAsync($"/v1/locations/{id}", HttpAssertions.JsonBody("""{"capacity":25}"""))).Json(200);
        Assert.Equal(25, patched.GetProperty("capacity").GetInt32());
        var removed = await (await tenant.Http.PatchAsync($"/v1/locations/{id}", HttpAssertions.JsonBody("""{"capacity":0}"""))).Json(200);
        Assert.Equal(JsonValueKind.Null, removed.GetProperty("capacity").ValueKind);
        Assert.Equal("Cap Store", removed.GetProperty("name").GetString()); // the rest untouched
    }

    [Fact]
    public async Task Passing_capacity_alerts_once_per_crossing_signed_and_counters_carry_utilisation()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var tenant = await host.CreateTenantAsync();
        var (_, secret) = await WebhookDeliveryTests.RegisterAsync(tenant, receiver, "location.occupancy_exceeded");
        var location = (await (await tenant.Http.PostAsync("/v1/locations",
            HttpAssertions.JsonBody("""{"name":"Small Shop","capacity":2}"""))).Json(201)).GetProperty("id").GetString()!;
        var now = DateTimeOffset.UtcNow.AddSeconds(-20);

        // Three people in a shop for two: one alert.
        await IngestAsync(tenant, location, "cap-1", now, Enter("a"), Enter("b"), Enter("c"));
        var first = await receiver.NextOfAsync("location.occupancy_exceeded");
        Assert.True(first.SignatureValid(secret));
        var data = first.Json.GetProperty("data");
        Assert.Equal(location, data.GetProperty("location_id").GetString());
        Assert.Equal(3, data.GetProperty("occupancy").GetInt32());
        Assert.Equal(2, data.GetProperty("capacity").GetInt32());
        Assert.Equal(1.5, data.GetProperty("utilisation").GetDouble());

        // A fourth, then one leaves (3, still over the margin's line of 1): no alert. Two more leave (1): re-armed.
        await IngestAsync(tenant, location, "cap-2", now.AddSeconds(1), Enter("d"));
        await IngestAsync(tenant, location, "cap-3", now.AddSeconds(2), Leave("a"));
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, "/hubs/live"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(tenant.ApiKey))
            .Build();
        await hub.StartAsync();
        var counters = await hub.InvokeAsync<JsonElement>("SubscribeLocation", location);
        Assert.Equal(3, counters.GetProperty("occupancy").GetInt32());
        Assert.Equal(2, counters.GetProperty("capacity").GetInt32());
        Assert.Equal(1.5, counters.GetProperty("utilisation").GetDouble());

        await IngestAsync(tenant, location, "cap-4", now.AddSeconds(3), Leave("b"), Leave("c"));
        await IngestAsync(tenant, location, "cap-5", now.AddSeconds(4), Enter("e"), Enter("f"));
        var second = await receiver.NextOfAsync("location.occupancy_exceeded");
        Assert.Equal(3, second.Json.GetProperty("data").GetProperty("occupancy").GetInt32()); // not the 4 of before
        Assert.NotEqual(first.Id, second.Id);
    }

    [Theory]
    [InlineData(false, 3, 2, true, true)] // passes capacity: alert
    [InlineData(true, 4, 2, true, false)] // still over: quiet
    [InlineData(true, 2, 2, true, false)] // at capacity, within the margin: still not re-armed
    [InlineData(true, 1, 2, false, false)] // down by the margin: re-armed
    [InlineData(false, 2, 2, false, false)] // at capacity is not over it
    [InlineData(true, 95, 100, true, false)] // margin of a tenth: 90 re-arms, 95 does not
    [InlineData(true, 90, 100, false, false)]
    [InlineData(true, 50, null, false, false)] // capacity removed: nothing to watch
    public void The_alarm_has_hysteresis(bool over, int occupancy, int? capacity, bool overAfter, bool fire) =>
        Assert.Equal((overAfter, fire), OccupancyAlarm.Next(over, occupancy, capacity));

    private static object Enter(string track) => new { type = "position", track_id = track, x = 10.0, y = 10.0 };

    private static object Leave(string track) => new { type = "track_end", track_id = track };

    private static async Task IngestAsync(TestTenant tenant, string location, string batchId, DateTimeOffset at, params object[] events)
    {
        var ts = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var withTs = events.Select(e => JsonSerializer.SerializeToElement(e)).Select(e =>
        {
            var fields = e.EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value);
            fields["ts"] = ts;
            return fields;
        }).ToArray();
        var body = JsonSerializer.Serialize(new { batch_id = batchId, gateway_id = "gw-cap", events = withTs });
        var receipt = await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(body))).Json(202);
        Assert.Equal(events.Length, receipt.GetProperty("accepted").GetInt32());
    }
}
