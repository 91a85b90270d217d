using System.Globalization;
using System.Text.Json;
using HeatmapSaas.Ingest;

namespace HeatmapSaas.Api.Contracts;

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

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(response.BodyWriter);
        Write(writer);
        await writer.FlushAsync(httpContext.RequestAborted);
    }

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("heatmap_id", heatmapId);
        writer.WriteString("granularity", granularity);
        writer.WriteStartObject("period");
        writer.WriteString("start", Instant(periodStart));
        writer.WriteString("end", Instant(periodEnd));
        writer.WriteEndObject();
        writer.WriteStartObject("grid");
        writer.WriteNumber("cell_size", cellSize);
        writer.WriteNumber("width", data.GridWidth);
        writer.WriteNumber("height", data.GridHeight);
        writer.WriteEndObject();

        writer.WriteStartArray("data_points");
        var points = data.PointSet;
        var i = 0;
        for (var period = 0; period < points.Starts.Length; period++)
        {
            var timestamp = JsonEncodedText.Encode(Instant(points.Starts[period]));
            for (; i < points.Ends[period]; i++)
            {
                var (x, y) = points.Centre(i);
                writer.WriteStartObject();
                writer.WriteString(Timestamp, timestamp);
                writer.WriteNumber(X, x);
                writer.WriteNumber(Y, y);
                writer.WriteNumber(Intensity, points.Intensity(i));
                if (points.Milliseconds)
                {
                    writer.WriteNumber(Count, points.Shown(i));
                }
                else
                {
                    writer.WriteNumber(Count, points.Values[i]);
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

    private static string Instant(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
