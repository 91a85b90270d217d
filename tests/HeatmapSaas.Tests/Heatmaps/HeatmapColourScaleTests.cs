using System.Text.Json;
using HeatmapSaas.Api.Heatmaps.Rendering;
using HeatmapSaas.Tests.Browser;

namespace HeatmapSaas.Tests.Heatmaps;

/// <summary>image.png's colours come from the file the dashboard loads, on the same square-root scale.</summary>
public sealed class HeatmapColourScaleTests
{
    [Fact]
    public void The_embedded_scale_is_the_served_file_and_maps_counts_by_square_root()
    {
        using var served = JsonDocument.Parse(File.ReadAllText(Path.Combine(DashboardHost.WebRoot, "heatmap-scale.json")));
        var hex = served.RootElement.GetProperty("stops").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.Equal(hex, HeatmapColourScale.Stops.Select(s => $"#{s.R:x2}{s.G:x2}{s.B:x2}").ToList());
        Assert.Equal(served.RootElement.GetProperty("opacity").GetDouble(), HeatmapColourScale.Opacity);

        Assert.Equal(HeatmapColourScale.Stops[0], HeatmapColourScale.ColourOf(0, 10));
        Assert.Equal(HeatmapColourScale.Stops[^1], HeatmapColourScale.ColourOf(10, 10));
        // A quarter of the largest count sits halfway up the scale (sqrt 0.25 = 0.5): between stops 3 and 4 of 8.
        var half = HeatmapColourScale.ColourOf(25, 100);
        var (low, high) = (HeatmapColourScale.Stops[3], HeatmapColourScale.Stops[4]);
        Assert.Equal((byte)Math.Round(low.R + (high.R - low.R) * 0.5), half.R);
        Assert.Equal((byte)Math.Round(low.B + (high.B - low.B) * 0.5), half.B);
    }
}
