namespace HeatmapSaas.Locations;

/// <summary>The floor a location's sensors report positions on, in floor units.</summary>
[GenerateSerializer, Immutable]
public sealed record FloorPlan([property: Id(0)] double Width, [property: Id(1)] double Height)
{
    public static readonly FloorPlan Default = new(1000, 1000);

    /// <summary>
    /// The widest and deepest floor: what 10-unit base cells (x, y ≤ 65,534, <c>IntensityGrid.MaxCell</c>) address,
    /// so no two positions farther apart than a cell ever share one.
    /// </summary>
    public const double MaxSize = 655_340;
}

/// <summary>A store, venue or zone as configured by its tenant.</summary>
[GenerateSerializer, Immutable]
public sealed record Location(
    [property: Id(0)] string Id,
    [property: Id(1)] long TenantId,
    [property: Id(2)] string Name,
    [property: Id(3)] string Slug,
    [property: Id(4)] string Type,
    [property: Id(5)] string? Address,
    [property: Id(6)] double? Latitude,
    [property: Id(7)] double? Longitude,
    [property: Id(8)] string TimeZone,
    [property: Id(9)] string? Brand,
    [property: Id(10)] string? ParentId,
    [property: Id(11)] FloorPlan FloorPlan,
    [property: Id(12)] int TrackTimeoutSeconds,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] int? Capacity = null);

/// <summary>A validated request to create a location; the slug and zone are resolved by the catalog.</summary>
[GenerateSerializer, Immutable]
public sealed record LocationDraft(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Slug,
    [property: Id(2)] string Type,
    [property: Id(3)] string? Address,
    [property: Id(4)] double? Latitude,
    [property: Id(5)] double? Longitude,
    [property: Id(6)] string? TimeZone,
    [property: Id(7)] string? Brand,
    [property: Id(8)] string? ParentIdOrSlug,
    [property: Id(9)] FloorPlan? FloorPlan,
    [property: Id(10)] int? TrackTimeoutSeconds,
    [property: Id(11)] int? Capacity = null);

/// <summary>A validated partial update: a null field is left as it is.</summary>
[GenerateSerializer, Immutable]
public sealed record LocationPatch(
    [property: Id(0)] string? Name = null,
    [property: Id(1)] string? Slug = null,
    [property: Id(2)] string? Type = null,
    [property: Id(3)] string? Address = null,
    [property: Id(4)] double? Latitude = null,
    [property: Id(5)] double? Longitude = null,
    [property: Id(6)] string? TimeZone = null,
    [property: Id(7)] string? Brand = null,
    [property: Id(8)] string? ParentIdOrSlug = null,
    [property: Id(9)] FloorPlan? FloorPlan = null,
    [property: Id(10)] int? TrackTimeoutSeconds = null,
    /// <summary>People the location holds; 0 removes the capacity.</summary>
    [property: Id(11)] int? Capacity = null);

/// <summary>One row of the location list, with the relations seed 002's <c>info=true</c> shows.</summary>
[GenerateSerializer, Immutable]
public sealed record LocationListItem(
    [property: Id(0)] Location Location,
    [property: Id(1)] int HeatmapsCount,
    [property: Id(2)] string? ParentSlug,
    [property: Id(3)] IReadOnlyList<string> ChildSlugs);

[GenerateSerializer, Immutable]
public sealed record Page<T>(
    [property: Id(0)] IReadOnlyList<T> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int Limit,
    [property: Id(3)] int Offset);
