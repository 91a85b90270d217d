using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace HeatmapSaas.Api.Heatmaps.Rendering;

/// <summary>Solid axis-aligned rectangles, all the drawing heatmaps and the demo plan need (ImageSharp's own
/// drawing package is not used: its versions are not served or not free).</summary>
public static class SolidRectangle
{
    /// <summary>Sets every pixel of the area (clipped to the image) to the colour, without blending.</summary>
    public static void Fill(this Image<Rgba32> image, Rectangle area, Rgba32 color)
    {
        var clipped = Rectangle.Intersect(area, image.Bounds());
        if (clipped.IsEmpty)
        {
            return;
        }

        image.ProcessPixelRows(rows =>
        {
            for (var y = clipped.Top; y < clipped.Bottom; y++)
            {
                rows.GetRowSpan(y).Slice(clipped.Left, clipped.Width).Fill(color);
            }
        });
    }

    public static Rectangle Of(double left, double top, double width, double height)
    {
        var x = (int)Math.Round(left);
        var y = (int)Math.Round(top);
        return new Rectangle(x, y, (int)Math.Round(left + width) - x, (int)Math.Round(top + height) - y);
    }
}
