using HeatmapSaas.Errors;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace HeatmapSaas.Api.Heatmaps.Rendering;

/// <summary>
/// The floor-plan image budget. An upload's header is read before any pixel is decoded, so a small file that
/// claims huge dimensions (a decompression bomb) is refused for the price of its header; what passes is decoded
/// once, shrunk to <see cref="StoredMaxSide"/> and re-encoded, and only that normalised copy is kept and served.
/// </summary>
public static class FloorPlanPicture
{
    public const int MaxSide = 8192;
    public const long MaxPixels = 40_000_000;

    /// <summary>The longest side kept: plenty for a dashboard and for image.png (1000 px), a few MB at most.</summary>
    public const int StoredMaxSide = 2048;

    // A decode that somehow asks for more than a budget-sized image (8192² RGBA ≈ 256 MiB) fails instead of growing.
    private static readonly Configuration Bounded = BoundedConfiguration();

    /// <summary>The normalised copy of an upload (same format, at most <see cref="StoredMaxSide"/> a side), or a
    /// 400 naming why it is refused.</summary>
    public static byte[] Normalise(byte[] upload, string contentType)
    {
        var info = Identify(upload, out var format)
            ?? throw ApiException.Invalid("body", $"The body cannot be decoded as a {contentType} image");
        if (!format.DefaultMimeType.Equals(contentType, StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.Invalid("body", $"The body is a {format.DefaultMimeType} image, not {contentType}");
        }

        if (OverBudget(info.Width, info.Height) is { } reason)
        {
            throw ApiException.Invalid("body", reason);
        }

        try
        {
            using var image = Image.Load<Rgba32>(Bounded, upload);
            Shrink(image, StoredMaxSide, StoredMaxSide);
            using var output = new MemoryStream();
            image.Save(output, format is PngFormat ? new PngEncoder() : new JpegEncoder { Quality = 90 });
            return output.ToArray();
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException or InvalidMemoryOperationException)
        {
            throw ApiException.Invalid("body", $"The body cannot be decoded as a {contentType} image: {e.Message}");
        }
    }

    /// <summary>Why an image of these dimensions is refused, or null when it is within the budget.</summary>
    public static string? OverBudget(int width, int height) =>
        width > MaxSide || height > MaxSide
            ? $"The image is {width}×{height} px; a floor plan is at most {MaxSide} px a side"
            : (long)width * height > MaxPixels
                ? $"The image is {width}×{height} px ({(long)width * height / 1_000_000.0:0.#} MP); a floor plan is at most {MaxPixels / 1_000_000} MP"
                : null;

    /// <summary>A stored plan scaled to exactly this size for drawing under a heatmap, or null when it cannot be
    /// read or is over the budget (a plan kept before the budget existed): the heatmap is then drawn without it.</summary>
    public static Image<Rgba32>? LoadForDrawing(byte[] stored, int width, int height)
    {
        if (Identify(stored, out _) is not { } info || OverBudget(info.Width, info.Height) is not null)
        {
            return null;
        }

        try
        {
            var image = Image.Load<Rgba32>(Bounded, stored);
            image.Mutate(x => x.Resize(width, height));
            return image;
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException or InvalidMemoryOperationException)
        {
            return null;
        }
    }

    private static IImageInfo? Identify(byte[] bytes, out IImageFormat format)
    {
        try
        {
            var info = Image.Identify(Bounded, bytes, out format);
            return info is not null && format is PngFormat or JpegFormat ? info : null;
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException or InvalidMemoryOperationException)
        {
            format = null!;
            return null;
        }
    }

    private static void Shrink(Image image, int maxWidth, int maxHeight)
    {
        if (image.Width > maxWidth || image.Height > maxHeight)
        {
            image.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(maxWidth, maxHeight), Mode = ResizeMode.Max }));
        }
    }

    private static Configuration BoundedConfiguration()
    {
        var configuration = Configuration.Default.Clone();
        configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { AllocationLimitMegabytes = 300 });
        return configuration;
    }
}
