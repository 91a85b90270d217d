using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using HeatmapSaas.Locations;
using HeatmapSaas.Tests.Model;

namespace HeatmapSaas.Tests.Postgres;

/// <summary>
/// A store's gateway as a real one behaves: it sends its batches in order, and resends the same batch (same
/// <c>batch_id</c>) after any failure — refused connection, timeout, 5xx, 429 — until it gets a 202. It keeps the
/// first receipt of every batch, and feeds each acknowledged batch once to a <see cref="ReferenceStore"/>, which
/// then says what every query must answer.
/// </summary>
internal sealed class GatewayReplay
{
    private readonly List<SensorBatch> _batches;
    private readonly Dictionary<string, JsonElement> _receipts = [];
    private int _acknowledged;

    /// <summary>Conversions whose values no location may accept (sums past decimal's range, doubles' extremes).</summary>
    public static readonly string[] PoisonValues = ["1e29", "5e28", "5e28", "-1e29", "1.7976931348623157e308"];

    private readonly int _poisonEvery;

    /// <param name="poisonEvery">Every so many batches (0: none) also carry <see cref="PoisonValues"/> conversions,
    /// which the location must refuse as <c>invalid_value</c>; they are not part of <see cref="Batches"/>.</param>
    public GatewayReplay(string location, int seed, int batches, int visitsPerBatch, DateTimeOffset now, int poisonEvery = 0)
    {
        _poisonEvery = poisonEvery;
        Location = location;
        Reference = new ReferenceStore(1000, 1000, 30, "UTC");
        var rng = new Random(seed);
        _batches = Enumerable.Range(0, batches)
            .Select(b => Visits($"{location}-{b:D4}", rng, visitsPerBatch, now, b * visitsPerBatch))
            .ToList();
    }

    public string Location { get; }

    public ReferenceStore Reference { get; }

    public IReadOnlyList<SensorBatch> Batches => _batches;

    public int Acknowledged => Volatile.Read(ref _acknowledged);

    /// <summary>Answers 503 (with Retry-After) seen while retrying: the contract's answer while a part is down.</summary>
    public int Unavailable { get; private set; }

    /// <summary>The first 202 body of a batch.</summary>
    public JsonElement ReceiptOf(string batchId) => _receipts[batchId];

    /// <summary>Sends every batch until acknowledged; <paramref name="afterAck"/> runs after each acknowledgement.</summary>
    public async Task RunAsync(Func<HttpClient> client, Func<int, Task>? afterAck = null, CancellationToken ct = default)
    {
        foreach (var batch in _batches)
        {
            var receipt = await SendUntilAcknowledgedAsync(client, batch, ct);
            if (IsPoisoned(batch))
            {
                // Whether first answer or duplicate, the poison was refused event by event, the rest accepted.
                Assert.Equal(batch.Readings.Length, receipt.GetProperty("accepted").GetInt32());
                Assert.Equal(PoisonValues.Length, receipt.GetProperty("rejected").GetInt32());
                Assert.All(receipt.GetProperty("errors").EnumerateArray(), e => Assert.Equal("invalid_value", e.GetProperty("code").GetString()));
            }

            _receipts[batch.BatchId] = receipt;
            Reference.Ingest(batch, DateTimeOffset.UtcNow);
            var count = Interlocked.Increment(ref _acknowledged);
            if (afterAck is not null)
            {
                await afterAck(count);
            }
        }
    }

    public async Task<JsonElement> SendUntilAcknowledgedAsync(Func<HttpClient> client, SensorBatch batch, CancellationToken ct = default)
    {
        var body = Json(batch);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await client().PostAsync($"/v1/locations/{Location}/events", content, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    return JsonDocument.Parse(text).RootElement.Clone();
                }

                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.NotNull(response.Headers.RetryAfter);
                    Unavailable++;
                }
                else if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    throw new InvalidOperationException($"Batch {batch.BatchId} refused: {(int)response.StatusCode} {text}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // The node is down or did not answer in time: the batch may or may not be in; send it again.
            }

            await Task.Delay(100, ct);
        }
    }

    /// <summary>Whole visits starting within the last two hours (so wall-clock expiry never matters).</summary>
    private static SensorBatch Visits(string batchId, Random rng, int visits, DateTimeOffset now, int firstVisit)
    {
        var readings = new List<SensorReading>();
        var start = now.AddHours(-2);
        for (var v = 0; v < visits; v++)
        {
            var track = $"t-{firstVisit + v}";
            var ts = start.AddSeconds(rng.Next(0, 7_000)).ToUnixTimeMilliseconds();
            var samples = rng.Next(1, 8);
            for (var s = 0; s < samples; s++)
            {
                var kind = rng.Next(5) == 0 ? ReadingKind.Interaction : ReadingKind.Position;
                readings.Add(new SensorReading(0, kind, track, ts, rng.Next(0, 1000), rng.Next(0, 1000), 0, kind == ReadingKind.Interaction ? "sku-1" : null));
                ts += rng.Next(500, 4_000);
            }

            readings.Add(new SensorReading(0, ReadingKind.TrackEnd, track, ts, 0, 0, 0, null));
            if (rng.Next(4) == 0)
            {
                readings.Add(new SensorReading(0, ReadingKind.Conversion, null, ts + 30_000, 0, 0, 19.99, null));
            }
        }

        var ordered = readings.OrderBy(r => r.TsMillis).Select((r, i) => r with { Index = i }).ToArray();
        return new SensorBatch(batchId, "gw-1", ordered, []);
    }

    private bool IsPoisoned(SensorBatch batch) => _poisonEvery > 0 && _batches.IndexOf(batch) % _poisonEvery == 0;

    private string Json(SensorBatch batch)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("batch_id", batch.BatchId);
            json.WriteString("gateway_id", batch.GatewayId);
            json.WriteStartArray("events");
            foreach (var r in batch.Readings)
            {
                json.WriteStartObject();
                json.WriteString("type", r.Kind switch
                {
                    ReadingKind.Position => "position",
                    ReadingKind.Interaction => "interaction",
                    ReadingKind.TrackEnd => "track_end",
                    _ => "conversion",
                });
                if (r.TrackId is not null)
                {
                    json.WriteString("track_id", r.TrackId);
                }

                json.WriteString("ts", DateTimeOffset.FromUnixTimeMilliseconds(r.TsMillis).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                if (r.Kind is ReadingKind.Position or ReadingKind.Interaction)
                {
                    json.WriteNumber("x", r.X);
                    json.WriteNumber("y", r.Y);
                }

                if (r.ProductId is not null)
                {
                    json.WriteString("product_id", r.ProductId);
                }

                if (r.Kind == ReadingKind.Conversion)
                {
                    json.WriteNumber("value", r.Value);
                }

                json.WriteEndObject();
            }

            if (IsPoisoned(batch))
            {
                var ts = DateTimeOffset.FromUnixTimeMilliseconds(batch.Readings[^1].TsMillis).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                foreach (var value in PoisonValues)
                {
                    json.WriteRawValue($$"""{"type":"conversion","ts":"{{ts}}","value":{{value}}}""");
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
