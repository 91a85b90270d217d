using HeatmapSaas.Api.Heatmaps;
using HeatmapSaas.Api.Locations;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Catalog;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Api.Validation;

/// <summary>Turns location and heatmap bodies into validated drafts and patches; bad input never reaches a grain.</summary>
public static class CatalogValidation
{
    public static readonly string[] LocationTypes = ["retail", "restaurant", "mall", "venue", "office", "zone", "popup", "other"];
    public static readonly string[] HeatmapTypes = HeatmapSaas.HeatmapTypes.All.Select(t => t.WireName()).ToArray();
    public static readonly string[] HeatmapStatuses = ["active", "paused"];

    /// <summary>The largest capacity a location may state (people); 0 means none.</summary>
    public const int MaxCapacity = 1_000_000;

    public static LocationDraft ToDraft(LocationBody? body)
    {
        if (body is null)
        {
            throw ApiException.Required("name");
        }

        var name = Validate.RequiredText(body.Name, "name");
        var patch = ToPatch(body);
        return new LocationDraft(
            name, patch.Slug, patch.Type ?? "other", patch.Address, patch.Latitude, patch.Longitude, patch.TimeZone,
            patch.Brand, patch.ParentIdOrSlug, patch.FloorPlan, patch.TrackTimeoutSeconds, patch.Capacity is 0 ? null : patch.Capacity);
    }

    public static LocationPatch ToPatch(LocationBody? body)
    {
        if (body is null)
        {
            throw new ApiException(ApiErrorCode.InvalidRequest, "A JSON body is required");
        }

        if (body.Slug is { } slug && !Slug.IsAllowed(slug))
        {
            throw ApiException.Invalid("slug", Slug.Reserved.Contains(slug)
                ? $"slug '{slug}' is reserved"
                : "slug must match ^[a-z0-9][a-z0-9-]{0,62}$");
        }

        return new LocationPatch(
            Validate.Text(body.Name, "name"),
            body.Slug,
            Validate.OneOf(body.Type, "type", LocationTypes),
            Validate.Text(body.Address, "address", 500),
            Validate.Range(body.Latitude, "latitude", -90, 90),
            Validate.Range(body.Longitude, "longitude", -180, 180),
            Validate.TimeZone(body.Timezone),
            Validate.Text(body.Brand, "brand"),
            Validate.Text(body.ParentId, "parent_id", 128),
            body.FloorPlan is null ? null : FloorPlanOf(body.FloorPlan),
            Validate.Range(body.TrackTimeoutSeconds, "track_timeout_seconds", 5, 3600),
            Validate.Range(body.Capacity, "capacity", 0, MaxCapacity));
    }

    public static HeatmapDraft ToDraft(HeatmapBody? body)
    {
        if (body?.LocationId is not { Length: > 0 } locationId)
        {
            // The seed's own error example, word for word.
            throw ApiException.Required("location_id");
        }

        var name = Validate.RequiredText(body.Name, "name");
        if (body.Type is null)
        {
            throw ApiException.Required("type");
        }

        if (body.Status is not null)
        {
            Validate.OneOf(body.Status, "status", HeatmapStatuses);
        }

        return new HeatmapDraft(
            name,
            locationId,
            ParseHeatmapType(body.Type),
            Validate.TimeZone(body.Timezone),
            RefreshInterval(body.RefreshInterval) ?? 3600,
            CellSize(body.CellSize) ?? 10);
    }

    private static HeatmapType ParseHeatmapType(string type)
    {
        Validate.OneOf(type, "type", HeatmapTypes);
        HeatmapSaas.HeatmapTypes.TryParse(type, out var parsed);
        return parsed;
    }

    public static HeatmapPatch ToPatch(HeatmapBody? body, Heatmap current)
    {
        if (body is null)
        {
            throw new ApiException(ApiErrorCode.InvalidRequest, "A JSON body is required");
        }

        if (body.Type is not null && body.Type != current.Type)
        {
            throw ApiException.Invalid("type", "type cannot change after creation; create another heatmap");
        }

        if (body.CellSize is not null && body.CellSize != current.CellSize)
        {
            throw ApiException.Invalid("cell_size", "cell_size cannot change after creation; create another heatmap");
        }

        if (body.LocationId is not null && body.LocationId != current.LocationId)
        {
            throw ApiException.Invalid("location_id", "location_id cannot change after creation");
        }

        return new HeatmapPatch(
            Validate.Text(body.Name, "name"),
            Validate.TimeZone(body.Timezone),
            RefreshInterval(body.RefreshInterval),
            Validate.OneOf(body.Status, "status", HeatmapStatuses));
    }

    private static int? RefreshInterval(int? seconds) => Validate.Range(seconds, "refresh_interval", 60, 86_400);

    private static int? CellSize(int? size)
    {
        Validate.Range(size, "cell_size", 10, 1000);
        if (size is { } cells && cells % 10 != 0)
        {
            throw ApiException.Invalid("cell_size", "cell_size must be a multiple of 10");
        }

        return size;
    }

    private static FloorPlan FloorPlanOf(FloorPlanBody body)
    {
        var width = body.Width ?? throw ApiException.Required("floor_plan.width");
        var height = body.Height ?? throw ApiException.Required("floor_plan.height");
        Validate.Range(width, "floor_plan.width", 1, FloorPlan.MaxSize);
        Validate.Range(height, "floor_plan.height", 1, FloorPlan.MaxSize);
        return new FloorPlan(width, height);
    }
}
