using HeatmapSaas.Ingest;
using SkiaSharp;

namespace HeatmapSaas.Api.Rendering;

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

    /// <summary>The dashboard's scale (<see cref="HeatmapColourScale"/>), at its opacity.</summary>
    private static SKColor ColorOf(float intensity)
    {
        var (r, g, b) = HeatmapColourScale.ColourOf(intensity, 1);
        return new SKColor(r, g, b, (byte)Math.Round(255 * HeatmapColourScale.Opacity));
    }
}
