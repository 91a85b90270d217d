using HeatmapSaas.Footfall;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace HeatmapSaas.Api.Heatmaps.Rendering;

/// <summary>Paints a heatmap's cells over its floor as a PNG: on the dashboard's colour scale.</summary>
public static class HeatmapImage
{
    private const int MaxSide = 1000;

    public static byte[] RenderPng(
        IReadOnlyList<HeatmapPoint> points, double floorWidth, double floorHeight, int cellSize, byte[]? floorPlanImage = null)
    {
        var scale = MaxSide / Math.Max(floorWidth, floorHeight);
        var width = Math.Max(1, (int)Math.Round(floorWidth * scale));
        var height = Math.Max(1, (int)Math.Round(floorHeight * scale));

        // The image shows the whole window at once, so each cell's periods are added up first.
        var totals = new Dictionary<(double X, double Y), decimal>();
        foreach (var point in points)
        {
            totals[(point.X, point.Y)] = totals.GetValueOrDefault((point.X, point.Y)) + point.Count;
        }

        var max = totals.Count == 0 ? 1m : totals.Values.Max();
        using var canvas = new Image<Rgba32>(width, height, Color.White.ToPixel<Rgba32>());
        if (floorPlanImage is not null && FloorPlanPicture.LoadForDrawing(floorPlanImage, width, height) is { } floorPlan)
        {
            using (floorPlan)
            {
                canvas.Mutate(x => x.DrawImage(floorPlan, 1f));
            }
        }

        // Cells never overlap, so they are painted on a clear layer and blended over the floor in one pass.
        using var cells = new Image<Rgba32>(width, height);
        var side = cellSize * scale;
        foreach (var ((x, y), total) in totals)
        {
            cells.Fill(SolidRectangle.Of((x - cellSize / 2.0) * scale, (y - cellSize / 2.0) * scale, side, side), ColorOf((float)(total / max)));
        }

        canvas.Mutate(x => x.DrawImage(cells, 1f));
        using var png = new MemoryStream();
        canvas.SaveAsPng(png);
        return png.ToArray();
    }

    /// <summary>The dashboard's scale (<see cref="HeatmapColourScale"/>), at its opacity.</summary>
    private static Rgba32 ColorOf(float intensity)
    {
        var (r, g, b) = HeatmapColourScale.ColourOf(intensity, 1);
        return new Rgba32(r, g, b, (byte)Math.Round(255 * HeatmapColourScale.Opacity));
    }
}
