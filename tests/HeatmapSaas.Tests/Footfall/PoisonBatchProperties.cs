using System.Globalization;
using System.Text;
using CsCheck;
using HeatmapSaas.Api.Locations.Ingest;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Grains.Locations;
using HeatmapSaas.Grains.Locations.Log;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>
/// "No accepted event can make a location fail, now or on replay": arbitrary bodies (extreme numbers, odd strings,
/// every type, wrong JSON types) go the whole way a batch goes — parse, validate, log encoding, apply, checkpoint —
/// and then again as a restart does it (checkpoint plus the log above it). Nothing throws but the parser's
/// whole-batch refusals, and the replayed state is the same, byte for byte.
/// </summary>
public class PoisonBatchProperties
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly FloorPlan Floor = new(1000, 1000);
    private static readonly LocationRules Rules = new(1000, 1000, 30);
    private static readonly IngestOptions Options = new();

    private static readonly string[] Types = ["\"position\"", "\"interaction\"", "\"track_end\"", "\"conversion\"", "\"teleport\"", "7", "null", "{}"];

    private static readonly string[] TrackIds =
        ["\"t-0\"", "\"t-1\"", "\"t-2\"", "\"\"", "\"ü\\u0000ß\"", $"\"{new string('x', 300)}\"", "12", "null", "[1]"];

    private static readonly string[] Numbers =
    [
        "0", "-0.0", "5.5", "999.9999999", "1000", "-1", "1e-320", "1e12", "1000000000001", "5e28", "1e29", "-1e29",
        "79228162514264337593543950335", "1.7976931348623157e308", "-1.7976931348623157e308", "123456789012345678901234567890",
        "\"12\"", "null", "true", "[]",
    ];

    private static Gen<string> Timestamps =>
        Gen.OneOf(
            Gen.Int[-8 * 24 * 60, 10].Select(minutes => Quote(Now.AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))),
            Gen.Int[-60, 60].Select(minutes => Quote(Now.AddMinutes(minutes).ToOffset(TimeSpan.FromMinutes(345)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture))),
            AnyOf("\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.999Z\"", "\"2026-03-10T12:00:00\"", "\"soon\"", "0", "null"));

    /// <summary>One event: each field present or not, with a value of any JSON type, sensible or extreme.</summary>
    private static Gen<string> Events =>
        Gen.Select(Gen.Int[0, Types.Length], Gen.Int[0, TrackIds.Length], Timestamps, Gen.Int[0, Numbers.Length * 2], Gen.Int[0, Numbers.Length * 2],
                Gen.Int[0, Numbers.Length])
            .Select((type, track, ts, x, y, value) =>
            {
                var fields = new List<string>();
                Field(fields, "type", type, Types);
                Field(fields, "track_id", track, TrackIds);
                fields.Add($"\"ts\":{ts}");
                // Half the coordinates are on the floor, so many events are accepted and counted.
                fields.Add($"\"x\":{(x < Numbers.Length ? Numbers[x] : (x * 37 % 1000).ToString(CultureInfo.InvariantCulture))}");
                fields.Add($"\"y\":{(y < Numbers.Length ? Numbers[y] : (y * 53 % 1000).ToString(CultureInfo.InvariantCulture))}");
                Field(fields, "value", value, Numbers);
                fields.Add("\"product_id\":\"sku\"");
                return "{" + string.Join(',', fields) + "}";
            });

    private static Gen<string[]> Bodies =>
        Gen.Select(Events.Array[1, 30], AnyOf("\"gw-1\"", "\"gw-2\"", "null"), (events, gateway) => new[] { string.Join(',', events), gateway })
            .Array[1, 12]
            .Select(batches => batches.Select((b, i) => $"{{\"batch_id\":\"b-{i}\",\"gateway_id\":{b[1]},\"events\":[{b[0]}]}}").ToArray());

    [Fact]
    public void Arbitrary_batches_never_throw_and_replay_to_the_same_state()
    {
        Gen.Select(Bodies, Gen.Int[0, 12]).Sample((bodies, checkpointAfter) =>
        {
            var ledger = new FootfallLedger(Rules);
            var logged = new List<LoggedBatch>();
            byte[]? checkpoint = null;
            var checkpointed = 0;
            foreach (var body in bodies)
            {
                SensorBatch parsed;
                try
                {
                    parsed = SensorBatchParser.ParseJson(Encoding.UTF8.GetBytes(body));
                }
                catch (ApiException e) when (e.Code is ApiErrorCode.InvalidRequest)
                {
                    continue; // refused whole: nothing reaches the log
                }

                var receivedAt = Now.AddSeconds(logged.Count);
                var (accepted, receipt) = BatchValidator.Validate(parsed, Floor, receivedAt, Options);
                var entry = new LoggedBatch(logged.Count + 1, parsed.BatchId, parsed.GatewayId, accepted, receipt, receivedAt);
                // What the log stores is what a replay reads back.
                var stored = LoggedBatchCodec.Decode(entry.Position, entry.BatchId, entry.ReceivedAt, LoggedBatchCodec.Encode(entry));
                logged.Add(stored);
                BatchValidator.ApplyAccepted(ledger, entry.Accepted, entry.ReceivedAt);
                if (logged.Count == checkpointAfter)
                {
                    checkpoint = Snapshot(ledger);
                    checkpointed = logged.Count;
                }
            }

            var replayed = checkpoint is null ? new FootfallLedger(Rules) : FootfallLedger.ReadFrom(new BinaryReader(new MemoryStream(checkpoint)), Rules);
            foreach (var entry in logged.Skip(checkpointed))
            {
                BatchValidator.ApplyAccepted(replayed, entry.Accepted, entry.ReceivedAt);
            }

            Assert.Equal(Snapshot(ledger), Snapshot(replayed));
        }, iter: 300);
    }

    private static void Field(List<string> fields, string name, int choice, string[] values)
    {
        // One choice past the values leaves the field out.
        if (choice < values.Length)
        {
            fields.Add($"\"{name}\":{values[choice]}");
        }
    }

    private static Gen<string> AnyOf(params string[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    private static string Quote(string text) => $"\"{text}\"";

    private static byte[] Snapshot(FootfallLedger ledger)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            ledger.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
