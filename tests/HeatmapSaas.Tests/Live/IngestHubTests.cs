using HeatmapSaas.Tests.Api;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace HeatmapSaas.Tests.Live;

public sealed class IngestHubTests(FixedClockApiHost host) : IClassFixture<FixedClockApiHost>
{
    [Fact]
    public async Task Batches_stream_in_and_acknowledgements_stream_back_errors_included()
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Hub Store", slug = "hub-store" })).Json(201)).GetProperty("id").GetString()!;
        var gatewayKey = (await (await tenant.Http.PostAsJsonAsync("/v1/api-keys", new { name = "gw", scope = "ingest" })).Json(201)).GetProperty("api_key").GetString();

        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, "/hubs/ingest"), o => o.AccessTokenProvider = () => Task.FromResult(gatewayKey))
            .Build();
        await connection.StartAsync();

        var batches = Channel.CreateUnbounded<JsonElement>();
        var acks = connection.StreamAsync<JsonElement>("Ingest", "hub-store", batches.Reader.ReadAllAsync());
        await using var reader = acks.GetAsyncEnumerator();

        async Task<JsonElement> Send(string json)
        {
            await batches.Writer.WriteAsync(JsonDocument.Parse(json).RootElement.Clone());
            Assert.True(await reader.MoveNextAsync());
            return reader.Current;
        }

        var batch = """{"batch_id":"hub-1","gateway_id":"gw-1","events":[{"type":"position","track_id":"a","ts":"2020-01-01T10:00:00Z","x":1,"y":1},{"type":"position","track_id":"a","ts":"2020-01-01T10:00:00Z","x":5000,"y":1}]}""";
        var first = await Send(batch);
        Assert.Equal(202, first.GetProperty("status").GetInt32());
        Assert.Equal(1, first.GetProperty("accepted").GetInt32());
        Assert.Equal("out_of_bounds", first.GetProperty("errors")[0].GetProperty("code").GetString());

        var refused = await Send("""{"batch_id":"hub-2","events":[]}""");
        Assert.Equal(400, refused.GetProperty("status").GetInt32());
        Assert.Equal("INVALID_REQUEST", refused.GetProperty("error").GetProperty("code").GetString());

        var duplicate = await Send(batch);
        Assert.Equal(202, duplicate.GetProperty("status").GetInt32());
        Assert.True(duplicate.GetProperty("duplicate").GetBoolean());
        Assert.Equal(1, duplicate.GetProperty("accepted").GetInt32());
        batches.Writer.Complete();
        Assert.False(await reader.MoveNextAsync());

        var counts = await (await tenant.Http.GetAsync($"/v1/traffic/impression-counts/{location}/2020-01-01?interval=day")).Json(200);
        Assert.Equal("""[{"date":"2020-01-01","impressions":1}]""", counts.GetRawText());
    }

    [Fact]
    public async Task A_read_key_cannot_connect()
    {
        var tenant = await host.CreateTenantAsync();
        var readKey = (await (await tenant.Http.PostAsJsonAsync("/v1/api-keys", new { name = "r", scope = "read" })).Json(201)).GetProperty("api_key").GetString();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, "/hubs/ingest"), o => o.AccessTokenProvider = () => Task.FromResult(readKey))
            .Build();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
