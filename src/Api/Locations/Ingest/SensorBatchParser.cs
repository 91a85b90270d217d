using System.Text.Json;
using HeatmapSaas.Errors;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Api.Locations.Ingest;

/// <summary>
/// Reads a gateway's batch (JSON, or NDJSON with the ids from the query) straight from UTF-8 bytes with
/// <see cref="Utf8JsonReader"/>: no DOM, no per-field strings but the ids (one per person, not per event). Whole-batch problems throw (400/413,
/// nothing counted); a bad event becomes a per-event error and the rest of the batch goes on.
/// </summary>
public static class SensorBatchParser
{
    public const int MaxEvents = 10_000;
    public const int MaxBodyBytes = 4 * 1024 * 1024;
    public const int MaxBatchIdLength = 128;

    public static SensorBatch ParseJson(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        string? batchId = null, gatewayId = null;
        using var readings = new ReadingBuffer();
        var errors = new List<IngestError>();
        bool sawEvents = false, sawBatchId = false, sawGatewayId = false;
        try
        {
            Expect(ref reader, JsonTokenType.StartObject);
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("batch_id"u8))
                {
                    Once(ref sawBatchId, "batch_id");
                    batchId = ReadOptionalString(ref reader, "batch_id");
                }
                else if (reader.ValueTextEquals("gateway_id"u8))
                {
                    Once(ref sawGatewayId, "gateway_id");
                    gatewayId = ReadOptionalString(ref reader, "gateway_id");
                }
                else if (reader.ValueTextEquals("events"u8))
                {
                    Once(ref sawEvents, "events");
                    Expect(ref reader, JsonTokenType.StartArray);
                    var index = 0;
                    while (Next(ref reader) != JsonTokenType.EndArray)
                    {
                        CheckCount(index);
                        ReadEvent(ref reader, index++, readings, errors);
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            throw Malformed();
        }

        EndOfBody(ref reader);

        if (!sawEvents)
        {
            throw ApiException.Required("events");
        }

        return Finish(ValidBatchId(batchId), ValidGatewayId(gatewayId), readings, errors);
    }

    /// <summary>One event per line; blank lines are skipped and do not take an index.</summary>
    public static SensorBatch ParseNdjson(ReadOnlySpan<byte> body, string? batchId, string? gatewayId)
    {
        var id = ValidBatchId(batchId);
        gatewayId = ValidGatewayId(gatewayId);
        using var readings = new ReadingBuffer();
        var errors = new List<IngestError>();
        var index = 0;
        while (body.Length > 0)
        {
            var end = body.IndexOf((byte)'\n');
            var line = end < 0 ? body : body[..end];
            body = end < 0 ? default : body[(end + 1)..];
            if (line.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            CheckCount(index);
            var reader = new Utf8JsonReader(line);
            try
            {
                reader.Read();
                ReadEvent(ref reader, index++, readings, errors);
                if (reader.Read())
                {
                    throw Malformed();
                }
            }
            catch (JsonException)
            {
                throw Malformed();
            }
        }

        return Finish(id, gatewayId, readings, errors);
    }

    private static SensorBatch Finish(string batchId, string? gatewayId, ReadingBuffer readings, List<IngestError> errors)
    {
        if (readings.Count + errors.Count == 0)
        {
            throw ApiException.Invalid("events", "events must hold at least one event");
        }

        return new SensorBatch(batchId, gatewayId, readings.ToArray(), errors.ToArray());
    }

    private static void ReadEvent(ref Utf8JsonReader reader, int index, ReadingBuffer readings, List<IngestError> errors)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            errors.Add(new IngestError(index, IngestError.InvalidValue, "An event must be a JSON object"));
            return;
        }

        ReadingKind? kind = null;
        string? unknownType = null, trackId = null, productId = null, problem = null, problemCode = null;
        long? ts = null;
        double? x = null, y = null;
        double value = 0;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                Next(ref reader);
                kind = reader.TokenType == JsonTokenType.String ? KindOf(ref reader) : null;
                if (kind is null)
                {
                    unknownType = reader.TokenType == JsonTokenType.String ? reader.GetString() : reader.TokenType.ToString();
                }

                reader.Skip();
            }
            else if (reader.ValueTextEquals("track_id"u8))
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.String)
                {
                    trackId = TrackIds.Read(ref reader);
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    (problemCode, problem) = (IngestError.InvalidValue, "track_id must be a string");
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("ts"u8))
            {
                Next(ref reader);
                ts = reader.TokenType == JsonTokenType.String ? Timestamp(ref reader) : null;
                if (ts is null && reader.TokenType != JsonTokenType.Null)
                {
                    (problemCode, problem) = (IngestError.InvalidValue, "ts must be an ISO 8601 instant with Z or an offset");
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("x"u8))
            {
                x = Number(ref reader, "x", ref problemCode, ref problem);
            }
            else if (reader.ValueTextEquals("y"u8))
            {
                y = Number(ref reader, "y", ref problemCode, ref problem);
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                value = Number(ref reader, "value", ref problemCode, ref problem) ?? 0;
            }
            else if (reader.ValueTextEquals("product_id"u8))
            {
                Next(ref reader);
                productId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }

        var error = Check(kind, unknownType, trackId, ts, x, y, problemCode, problem);
        if (error is not null)
        {
            errors.Add(new IngestError(index, error.Value.Code, error.Value.Message));
            return;
        }

        readings.Add(new SensorReading(index, kind!.Value, trackId, ts!.Value, x ?? 0, y ?? 0, value, productId));
    }

    private static (string Code, string Message)? Check(
        ReadingKind? kind, string? unknownType, string? trackId, long? ts, double? x, double? y, string? problemCode, string? problem)
    {
        if (kind is null)
        {
            return unknownType is null
                ? (IngestError.MissingField, "type is required")
                : (IngestError.UnknownType, $"type '{unknownType}' is not one of position, interaction, track_end, conversion");
        }

        if (problemCode is not null)
        {
            return (problemCode, problem!);
        }

        if (ts is null)
        {
            return (IngestError.MissingField, "ts is required");
        }

        if (kind != ReadingKind.Conversion && string.IsNullOrEmpty(trackId))
        {
            return (IngestError.MissingField, "track_id is required");
        }

        if (kind is ReadingKind.Position or ReadingKind.Interaction && (x is null || y is null))
        {
            return (IngestError.MissingField, x is null ? "x is required" : "y is required");
        }

        return null;
    }

    private static ReadingKind? KindOf(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("position"u8) ? ReadingKind.Position
        : reader.ValueTextEquals("interaction"u8) ? ReadingKind.Interaction
        : reader.ValueTextEquals("track_end"u8) ? ReadingKind.TrackEnd
        : reader.ValueTextEquals("conversion"u8) ? ReadingKind.Conversion
        : null;

    /// <summary>An ISO 8601 instant that states its offset (<c>Z</c> or <c>±hh:mm</c>): a local time would be a guess.</summary>
    private static long? Timestamp(ref Utf8JsonReader reader)
    {
        // Serializers may escape characters such as '+' (\u002B); only then is the value copied out unescaped.
        ReadOnlySpan<byte> raw = reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
        var statesOffset = raw.Length > 6 && (raw[^1] is (byte)'Z' or (byte)'z' || raw[^6] is (byte)'+' or (byte)'-' && raw[^3] == (byte)':');
        return statesOffset && reader.TryGetDateTimeOffset(out var instant) ? instant.ToUnixTimeMilliseconds() : null;
    }

    private static double? Number(ref Utf8JsonReader reader, string name, ref string? problemCode, ref string? problem)
    {
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var number) && double.IsFinite(number))
        {
            return number;
        }

        if (reader.TokenType != JsonTokenType.Null)
        {
            (problemCode, problem) = (IngestError.InvalidValue, $"{name} must be a number");
            reader.Skip();
        }

        return null;
    }

    private static string ValidBatchId(string? batchId)
    {
        if (string.IsNullOrEmpty(batchId))
        {
            throw ApiException.Required("batch_id");
        }

        return IdOfAlphabet(batchId, "batch_id");
    }

    /// <summary>Optional, but when given held to the batch id's rules: a location remembers every gateway it names.</summary>
    private static string? ValidGatewayId(string? gatewayId) =>
        gatewayId is null ? null : IdOfAlphabet(gatewayId, "gateway_id");

    private static string IdOfAlphabet(string id, string name)
    {
        if (id.Length is 0 or > MaxBatchIdLength)
        {
            throw InvalidId(name);
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
            {
                throw InvalidId(name);
            }
        }

        return id;
    }

    private static ApiException InvalidId(string name) =>
        ApiException.Invalid(name, $"{name} must be 1 to 128 characters of A-Z a-z 0-9 . _ : -");

    private static string? ReadOptionalString(ref Utf8JsonReader reader, string name)
    {
        Next(ref reader);
        return reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw ApiException.Invalid(name, $"{name} must be a string"),
        };
    }

    /// <summary>A repeated key would be a second, silently merged or overriding batch: refused, not guessed at.</summary>
    private static void Once(ref bool seen, string name)
    {
        if (seen)
        {
            throw ApiException.Invalid(name, $"{name} appears more than once; a batch names it once");
        }

        seen = true;
    }

    /// <summary>Exactly one JSON object per body: anything after it but whitespace (or a comment) is refused.</summary>
    private static void EndOfBody(ref Utf8JsonReader reader)
    {
        try
        {
            // The reader holds one value per document: any further token throws.
            if (!reader.Read())
            {
                return;
            }
        }
        catch (JsonException)
        {
        }

        throw new ApiException(ApiErrorCode.InvalidRequest,
            "The body must hold exactly one JSON object; something follows it. Nothing was counted");
    }

    private static void CheckCount(int index)
    {
        if (index >= MaxEvents)
        {
            throw new ApiException(ApiErrorCode.PayloadTooLarge, $"A batch holds at most {MaxEvents} events");
        }
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw Malformed();

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (Next(ref reader) != type)
        {
            throw Malformed();
        }
    }

    private static ApiException Malformed() =>
        new(ApiErrorCode.InvalidRequest, "The batch is not valid JSON in the expected shape; nothing was counted");
}
