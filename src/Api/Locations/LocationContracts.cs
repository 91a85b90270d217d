using System.ComponentModel;
using System.Text.Json.Serialization;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Api.Locations;

/// <summary>The body of create and patch: every field optional here, required-ness is checked per operation.</summary>
public sealed record LocationBody(
    string? Name,
    string? Address,
    double? Latitude,
    double? Longitude,
    string? Type,
    string? Timezone,
    string? Slug,
    string? ParentId,
    string? Brand,
    FloorPlanBody? FloorPlan,
    int? TrackTimeoutSeconds,
    [property: Description("People the location holds (0..1,000,000): enables utilisation and location.occupancy_exceeded; 0 removes it")]
    int? Capacity = null);

public sealed record FloorPlanBody(double? Width, double? Height);

public sealed record LocationResponse(
    string Id,
    string Name,
    string? Address,
    double? Latitude,
    double? Longitude,
    string Type,
    DateTimeOffset CreatedAt,
    string Slug,
    string Timezone,
    string? Brand,
    string? ParentId,
    FloorPlanBody FloorPlan,
    int TrackTimeoutSeconds,
    int? Capacity)
{
    public static LocationResponse From(Location l) => new(
        l.Id, l.Name, l.Address, l.Latitude, l.Longitude, l.Type, l.CreatedAt, l.Slug, l.TimeZone, l.Brand, l.ParentId,
        new FloorPlanBody(l.FloorPlan.Width, l.FloorPlan.Height), l.TrackTimeoutSeconds, l.Capacity);
}

/// <summary>One row of <c>GET /v1/locations</c> (seed 000).</summary>
public sealed record LocationListItemResponse(string Id, string Name, string Slug, string Type, int HeatmapsCount)
{
    public static LocationListItemResponse From(LocationListItem item) =>
        new(item.Location.Id, item.Location.Name, item.Location.Slug, item.Location.Type, item.HeatmapsCount);
}

/// <summary>A row with <c>info=true</c>: seed 002's brand, parent and children (slugs) added.</summary>
public sealed record LocationInfoListItemResponse(
    string Id, string Name, string Slug, string Type, int HeatmapsCount, string? Brand, string? Parent, IReadOnlyList<string> Children)
{
    public static LocationInfoListItemResponse From(LocationListItem item) => new(
        item.Location.Id, item.Location.Name, item.Location.Slug, item.Location.Type, item.HeatmapsCount,
        item.Location.Brand, item.ParentSlug, item.ChildSlugs);
}

public sealed record Pagination(int Total, int Limit, int Offset)
{
    public static Pagination Of<T>(Page<T> page) => new(page.Total, page.Limit, page.Offset);
}

public sealed record LocationListResponse<TItem>(IReadOnlyList<TItem> Locations, Pagination Pagination);

/// <summary>Seed 002's exact shape: <c>[{"last-update": …}]</c>.</summary>
public sealed record LastUpdateResponse([property: JsonPropertyName("last-update")] DateTimeOffset? LastUpdate);
