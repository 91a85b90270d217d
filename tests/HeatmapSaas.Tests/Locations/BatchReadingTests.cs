using System.Text;
using HeatmapSaas.Api.Locations.Ingest;
using HeatmapSaas.Grains.Locations;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Tests.Locations;

/// <summary>Reading a batch without per-event garbage: the track ids it names, and the readings the location keeps.</summary>
public class BatchReadingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static string Batch(string id, IEnumerable<string> trackIdsAsJson, double x = 5) =>
        $$"""{"batch_id":"{{id}}","events":[{{string.Join(",", trackIdsAsJson.Select(t =>
            $$"""{"type":"position","track_id":{{t}},"ts":"2026-12-02T11:59:00Z","x":{{x}},"y":5}"""))}}]}""";

    [Fact]
    public void Track_ids_come_back_as_sent_across_batches_many_ids_and_escapes()
    {
        // More distinct ids than the reader remembers, repeated, interleaved with escaped spellings of some.
        var ids = Enumerable.Range(0, 2_000).Select(i => $"t-{i}").ToArray();
        var sent = Enumerable.Range(0, 9_000).Select(i => ids[(i * 7919) % ids.Length]).ToArray();
        for (var round = 0; round < 3; round++)
        {
            var json = sent.Select((id, i) => i % 50 == 0 ? $"\"{id.Replace("-", "\\u002d")}\"" : $"\"{id}\"");
            var batch = SensorBatchParser.ParseJson(Encoding.UTF8.GetBytes(Batch($"b-{round}", json)));

            Assert.Equal(sent, batch.Readings.Select(r => r.TrackId!).ToArray());
            Assert.Equal(Enumerable.Range(0, sent.Length).ToArray(), batch.Readings.Select(r => r.Index).ToArray());
        }
    }

    [Fact]
    public void A_person_named_many_times_in_a_batch_is_one_string()
    {
        var batch = SensorBatchParser.ParseJson(Encoding.UTF8.GetBytes(Batch("same", Enumerable.Repeat("\"shopper-42\"", 100))));

        Assert.All(batch.Readings, r => Assert.Same(batch.Readings[0].TrackId, r.TrackId));
    }

    [Fact]
    public void Readings_that_all_pass_are_kept_as_the_batch_holds_them()
    {
        var batch = SensorBatchParser.ParseJson(Encoding.UTF8.GetBytes(Batch("ok", ["\"a\"", "\"b\""])));

        var (accepted, receipt) = BatchValidator.Validate(batch, new FloorPlan(100, 100), Now, new IngestOptions());

        Assert.Same(batch.Readings, accepted);
        Assert.Equal(2, receipt.Accepted);
    }

    [Fact]
    public void A_refused_reading_leaves_the_others_in_order()
    {
        var inside = SensorBatchParser.ParseJson(Encoding.UTF8.GetBytes(Batch("in", ["\"a\"", "\"b\"", "\"c\"", "\"d\""]))).Readings;
        var outside = SensorBatchParser.ParseJson(Encoding.UTF8.GetBytes(Batch("out", ["\"x\""], x: 500))).Readings[0];
        var batch = new SensorBatch("mixed", null, [inside[0], inside[1] with { X = 500 }, inside[2], outside with { Index = 3 }], []);

        var (accepted, receipt) = BatchValidator.Validate(batch, new FloorPlan(100, 100), Now, new IngestOptions());

        Assert.Equal(["a", "c"], accepted.Select(r => r.TrackId!).ToArray());
        Assert.Equal([1, 3], receipt.Errors.Select(e => e.Index).ToArray());
        Assert.Equal(IngestError.OutOfBounds, receipt.Errors[0].Code);
    }
}
