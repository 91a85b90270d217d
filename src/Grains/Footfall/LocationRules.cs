namespace HeatmapSaas.Grains.Footfall;

/// <summary>The per-location settings the counting depends on.</summary>
public sealed record LocationRules
{
    public static readonly LocationRules Default = new(1000, 1000, 30);

    public LocationRules(double width, double height, int trackTimeoutSeconds)
    {
        if (!double.IsFinite(width) || width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "The floor width must be positive.");
        }

        if (!double.IsFinite(height) || height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, "The floor height must be positive.");
        }

        if (trackTimeoutSeconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(trackTimeoutSeconds), trackTimeoutSeconds, "The track timeout must be positive.");
        }

        Width = width;
        Height = height;
        TrackTimeoutSeconds = trackTimeoutSeconds;
    }

    /// <summary>Floor width in floor units; positions satisfy 0 ≤ x &lt; width.</summary>
    public double Width { get; }

    public double Height { get; }

    public int TrackTimeoutSeconds { get; }

    internal long TrackTimeoutMs => TrackTimeoutSeconds * 1000L;
}
