using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using HeatmapSaas.Footfall;

namespace HeatmapSaas.Api.Heatmaps;

/// <summary>
/// The heatmap data response written straight from the grain's parallel arrays with one <see cref="Utf8JsonWriter"/>:
/// a week of hourly points is tens of thousands of them, and a record per point plus the reflection serializer
/// cost more than the query itself. The bytes are those <see cref="HeatmapDataResponse"/> serializes to (a test
/// holds the two together), so the contract and its OpenAPI description stay the record's.
/// </summary>
public sealed class HeatmapDataJson(
    string heatmapId, string granularity, DateTimeOffset periodStart, DateTimeOffset periodEnd, int cellSize, HeatmapData data) : IResult
{
    private static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText X = JsonEncodedText.Encode("x");
    private static readonly JsonEncodedText Y = JsonEncodedText.Encode("y");
    private static readonly JsonEncodedText Intensity = JsonEncodedText.Encode("intensity");
    private static readonly JsonEncodedText Count = JsonEncodedText.Encode("count");

    // Shortest round-trip formatting of a double is most of the cost of a point. Intensities are value / max and
    // values are mostly small counts, so each distinct value's intensity is formatted once per answer.
    private const int CachedValues = 4_096;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        // The shape is fixed by this code (and a test), so the writer's structural checks are skipped.
        await using var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { SkipValidation = true });
        Write(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("heatmap_id", heatmapId);
        writer.WriteString("granularity", granularity);
        writer.WriteStartObject("period");
        writer.WriteString("start", Instants.Utc(periodStart));
        writer.WriteString("end", Instants.Utc(periodEnd));
        writer.WriteEndObject();
        writer.WriteStartObject("grid");
        writer.WriteNumber("cell_size", cellSize);
        writer.WriteNumber("width", data.GridWidth);
        writer.WriteNumber("height", data.GridHeight);
        writer.WriteEndObject();

        writer.WriteStartArray("data_points");
        var points = data.PointSet;
        var intensities = new byte[]?[(int)Math.Min(CachedValues, points.Max + 1)];
        var scratch = new ArrayBufferWriter<byte>(32);
        var line = new byte[256];
        var i = 0;
        for (var period = 0; period < points.Starts.Length; period++)
        {
            var timestamp = JsonEncodedText.Encode(Instants.Utc(points.Starts[period]));
            var opening = Encoding.UTF8.GetBytes($"{{\"timestamp\":\"{Instants.Utc(points.Starts[period])}\",\"x\":");
            for (; i < points.Ends[period]; i++)
            {
                var (x, y) = points.Centre(i);
                var value = points.Values[i];

                // The common point (a count, whole-number centre, a cached intensity) is assembled as bytes and
                // handed over whole; any other goes through the writer property by property.
                if (!points.Milliseconds && value < intensities.Length && x == Math.Floor(x) && y == Math.Floor(y)
                    && TryAssemble(line, opening, (long)x, (long)y, intensities[value] ??= Formatted(scratch, points.Intensity(i)), value, out var length))
                {
                    writer.WriteRawValue(line.AsSpan(0, length), skipInputValidation: true);
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString(Timestamp, timestamp);
                WriteCoordinate(writer, X, x);
                WriteCoordinate(writer, Y, y);
                if (value < intensities.Length)
                {
                    writer.WritePropertyName(Intensity);
                    writer.WriteRawValue(intensities[value] ??= Formatted(scratch, points.Intensity(i)), skipInputValidation: true);
                }
                else
                {
                    writer.WriteNumber(Intensity, points.Intensity(i));
                }

                if (points.Milliseconds)
                {
                    writer.WriteNumber(Count, points.Shown(i));
                }
                else
                {
                    writer.WriteNumber(Count, value);
                }

                writer.WriteEndObject();
            }

            // Hand finished bytes to the response pipe as we go, so the writer's own buffer stays small.
            if (writer.BytesPending > 32_768)
            {
                writer.Flush();
            }
        }

        writer.WriteEndArray();

        var summary = data.Summary;
        writer.WriteStartObject("summary");
        writer.WriteNumber("total_visitors", summary.TotalVisitors);
        if (summary.PeakHour is { } hour)
        {
            writer.WriteNumber("peak_hour", hour);
        }
        else
        {
            writer.WriteNull("peak_hour");
        }

        if (summary.BusiestDay is { } day)
        {
            writer.WriteString("busiest_day", day.ToString());
        }
        else
        {
            writer.WriteNull("busiest_day");
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Cell centres are whole numbers whenever the cell size is even (always: a multiple of 10), and an
    /// integer formats several times faster than a double into the same text.</summary>
    private static void WriteCoordinate(Utf8JsonWriter writer, JsonEncodedText name, double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            writer.WriteNumber(name, (long)value);
        }
        else
        {
            writer.WriteNumber(name, value);
        }
    }

    /// <summary>One point's object, <c>{"timestamp":"…","x":…,"y":…,"intensity":…,"count":…}</c>, into <paramref name="line"/>.</summary>
    private static bool TryAssemble(byte[] line, byte[] opening, long x, long y, byte[] intensity, long count, out int length)
    {
        var span = line.AsSpan();
        length = 0;
        if (!Append(span, opening, ref length)
            || !Utf8Formatter.TryFormat(x, span[length..], out var written))
        {
            return false;
        }

        length += written;
        if (!Append(span, ",\"y\":"u8, ref length) || !Utf8Formatter.TryFormat(y, span[length..], out written))
        {
            return false;
        }

        length += written;
        if (!Append(span, ",\"intensity\":"u8, ref length) || !Append(span, intensity, ref length)
            || !Append(span, ",\"count\":"u8, ref length) || !Utf8Formatter.TryFormat(count, span[length..], out written))
        {
            return false;
        }

        length += written;
        return Append(span, "}"u8, ref length);
    }

    private static bool Append(Span<byte> line, ReadOnlySpan<byte> part, ref int length)
    {
        if (!part.TryCopyTo(line[length..]))
        {
            return false;
        }

        length += part.Length;
        return true;
    }

    /// <summary>A double exactly as <see cref="Utf8JsonWriter"/> writes it.</summary>
    private static byte[] Formatted(ArrayBufferWriter<byte> scratch, double value)
    {
        scratch.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(scratch))
        {
            writer.WriteNumberValue(value);
        }

        return scratch.WrittenSpan.ToArray();
    }
}
