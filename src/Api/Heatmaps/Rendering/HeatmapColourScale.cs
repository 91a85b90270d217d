using System.Globalization;
using System.Text.Json;

namespace HeatmapSaas.Api.Heatmaps.Rendering;

/// <summary>
/// The heatmap colour scale shared with the dashboard: read from <c>wwwroot/heatmap-scale.json</c> (embedded in
/// this assembly), the same file the page loads, so the PNG and the page cannot drift apart.
/// </summary>
public static class HeatmapColourScale
{
    private static readonly Lazy<Scale> Loaded = new(Load);

    public static IReadOnlyList<(byte R, byte G, byte B)> Stops => Loaded.Value.Stops;

    /// <summary>Opacity of heat over the floor.</summary>
    public static double Opacity => Loaded.Value.Opacity;

    /// <summary>The colour of a cell holding <paramref name="count"/> when the largest holds <paramref name="max"/>.</summary>
    public static (byte R, byte G, byte B) ColourOf(double count, double max)
    {
        var stops = Loaded.Value.Stops;
        var place = max <= 0 ? 0 : Math.Sqrt(Math.Clamp(count / max, 0, 1)) * (stops.Length - 1);
        var low = (int)Math.Floor(place);
        if (low >= stops.Length - 1)
        {
            return stops[^1];
        }

        var t = place - low;
        var (a, b) = (stops[low], stops[low + 1]);
        return (Mix(a.R, b.R, t), Mix(a.G, b.G, t), Mix(a.B, b.B, t));
    }

    private static byte Mix(byte from, byte to, double t) => (byte)Math.Round(from + (to - from) * t);

    private static Scale Load()
    {
        using var stream = typeof(HeatmapColourScale).Assembly.GetManifestResourceStream("heatmap-scale.json")
            ?? throw new InvalidOperationException("heatmap-scale.json is not embedded in the API assembly");
        using var json = JsonDocument.Parse(stream);
        var stops = json.RootElement.GetProperty("stops").EnumerateArray().Select(stop =>
        {
            var hex = stop.GetString()!.TrimStart('#');
            byte Channel(int at) => byte.Parse(hex.AsSpan(at, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            return (Channel(0), Channel(2), Channel(4));
        }).ToArray();
        return new Scale(stops, json.RootElement.GetProperty("opacity").GetDouble());
    }

    private sealed record Scale((byte R, byte G, byte B)[] Stops, double Opacity);
}
