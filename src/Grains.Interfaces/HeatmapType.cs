namespace HeatmapSaas;

/// <summary>
/// The three base grids a location keeps per bucket; a heatmap of a type is a view over one of them. On the wire
/// (snake_case) and in stored heatmap records: <c>customer_flow</c>, <c>dwell_time</c>, <c>interactions</c>.
/// </summary>
public enum HeatmapType : byte
{
    /// <summary>Each position sample adds 1 to its cell.</summary>
    CustomerFlow,

    /// <summary>Each position sample adds min(5 s, time since its track's previous sample), kept in milliseconds.</summary>
    DwellTime,

    /// <summary>Each interaction event adds 1 to its cell.</summary>
    Interactions,
}

public static class HeatmapTypes
{
    /// <summary>Every type, in the order grids and changes are listed.</summary>
    public static readonly IReadOnlyList<HeatmapType> All = [HeatmapType.CustomerFlow, HeatmapType.DwellTime, HeatmapType.Interactions];

    public const int Count = 3;

    /// <summary>The contract's name: <c>customer_flow</c>, <c>dwell_time</c>, <c>interactions</c>.</summary>
    public static string WireName(this HeatmapType type) => type switch
    {
        HeatmapType.CustomerFlow => "customer_flow",
        HeatmapType.DwellTime => "dwell_time",
        HeatmapType.Interactions => "interactions",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool TryParse(string? wireName, out HeatmapType type)
    {
        switch (wireName)
        {
            case "customer_flow":
                type = HeatmapType.CustomerFlow;
                return true;
            case "dwell_time":
                type = HeatmapType.DwellTime;
                return true;
            case "interactions":
                type = HeatmapType.Interactions;
                return true;
            default:
                type = default;
                return false;
        }
    }
}
