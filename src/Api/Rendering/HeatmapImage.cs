using HeatmapSaas.Ingest;
using SkiaSharp;

namespace HeatmapSaas.Api.Rendering;

/// <summary>Paints a heatmap's cells over its floor as a PNG: blue (cool) through red (hot), the hottest cell opaque.</summary>
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
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        if (floorPlanImage is not null && SKBitmap.Decode(floorPlanImage) is { } floorPlan)
        {
            using (floorPlan)
            {
                canvas.DrawBitmap(floorPlan, new SKRect(0, 0, width, height));
            }
        }
        using var paint = new SKPaint { IsAntialias = false };
        var side = (float)(cellSize * scale);
        foreach (var ((x, y), total) in totals)
        {
            var intensity = (float)(total / max);
            paint.Color = ColorOf(intensity);
            canvas.DrawRect((float)((x - cellSize / 2.0) * scale), (float)((y - cellSize / 2.0) * scale), side, side, paint);
        }

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>Hue from 240° (blue) at zero to 0° (red) at the hottest, more opaque as it gets hotter.</summary>
    private static SKColor ColorOf(float intensity) =>
        SKColor.FromHsv(240f * (1 - intensity), 100, 100, (byte)(80 + 175 * intensity));
}
