using HeatmapSaas.Locations;

namespace HeatmapSaas.Heatmaps;

/// <summary>
/// A heatmap's configuration. Stored (catalog pages, the heatmap's state) with <see cref="Type"/> as its wire name,
/// the shape every stored record has; code reads the type as <see cref="HeatmapType"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Heatmap(
    [property: Id(0)] string Id,
    [property: Id(1)] long TenantId,
    [property: Id(2)] string Name,
    [property: Id(3)] string LocationId,
    [property: Id(4)] string Type,
    [property: Id(5)] string TimeZone,
    [property: Id(6)] int RefreshIntervalSeconds,
    [property: Id(7)] int CellSize,
    [property: Id(8)] string Status,
    [property: Id(9)] DateTimeOffset CreatedAt,
    // The location's floor, copied by the catalog (its owner) whenever either changes: the grid size of an answer.
    [property: Id(10)] FloorPlan? Floor = null)
{
    // Methods, not properties: stored state (JSON) would otherwise carry these derived values too.

    /// <summary>The floor the heatmap covers; the default floor for a record stored before heatmaps carried it.</summary>
    public FloorPlan FloorOrDefault() => Floor ?? FloorPlan.Default;

    /// <summary>Columns and rows of this heatmap's grid over its floor.</summary>
    public (int Width, int Height) GridSize()
    {
        var floor = FloorOrDefault();
        return ((int)Math.Ceiling(floor.Width / CellSize), (int)Math.Ceiling(floor.Height / CellSize));
    }

    /// <summary>The type <see cref="Type"/> names (names are checked when a heatmap is created).</summary>
    public HeatmapType HeatmapType => HeatmapTypes.TryParse(Type, out var type) ? type : default;
}

[GenerateSerializer, Immutable]
public sealed record HeatmapDraft(
    [property: Id(0)] string Name,
    [property: Id(1)] string LocationIdOrSlug,
    [property: Id(2)] HeatmapType Type,
    [property: Id(3)] string? TimeZone,
    [property: Id(4)] int RefreshIntervalSeconds,
    [property: Id(5)] int CellSize);

[GenerateSerializer, Immutable]
public sealed record HeatmapPatch(
    [property: Id(0)] string? Name = null,
    [property: Id(1)] string? TimeZone = null,
    [property: Id(2)] int? RefreshIntervalSeconds = null,
    [property: Id(3)] string? Status = null);
