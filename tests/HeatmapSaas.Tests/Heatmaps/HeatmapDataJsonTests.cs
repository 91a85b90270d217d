using System.Text.Json;
using HeatmapSaas.Api.Footfall;
using HeatmapSaas.Api.Heatmaps;
using HeatmapSaas.Api.Hosting;
using HeatmapSaas.Footfall;

namespace HeatmapSaas.Tests.Heatmaps;

/// <summary>The hand-written heatmap data response is byte for byte what the serializer makes of the contract's records.</summary>
public class HeatmapDataJsonTests
{
    [Theory]
    [InlineData(false, 7, DayOfWeek.Tuesday)]
    [InlineData(true, null, null)]
    public void Writes_the_bytes_the_serializer_writes_for_HeatmapDataResponse(bool dwell, int? peakHour, DayOfWeek? busiestDay)
    {
        var start = new DateTimeOffset(2025, 3, 30, 0, 0, 0, TimeSpan.FromHours(1));
        var points = new HeatmapPointSet(
            [start, start.AddHours(1)], [2, 3],
            [(0u << 16) | 3u, (2u << 16) | 1u, (5u << 16) | 4u],
            [1_234, 5, 99_999], 99_999, 20, dwell);
        var data = new HeatmapData(points, 50, 40, new VisitorSummary(peakHour is null ? 0 : 12, peakHour, busiestDay));

        var options = new JsonSerializerOptions();
        JsonSetup.Configure(options);
        var expected = JsonSerializer.Serialize(new HeatmapDataResponse(
            "hm_1", "hour", new ReportPeriodResponse(start, start.AddDays(1)), new GridResponse(20, 50, 40),
            data.Points.Select(p => new HeatmapPointResponse(p.Timestamp, p.X, p.Y, p.Intensity, p.Count)).ToList(),
            new SummaryResponse(data.Summary.TotalVisitors, peakHour, busiestDay?.ToString())), options);

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            new HeatmapDataJson("hm_1", "hour", start, start.AddDays(1), 20, data).Write(writer);
        }

        Assert.Equal(expected, System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
