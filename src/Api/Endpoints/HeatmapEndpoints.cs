using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Contracts;
using HeatmapSaas.Api.Validation;
using HeatmapSaas.Api.Hosting;
using HeatmapSaas.Api.Rendering;
using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using HeatmapSaas.Ingest;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeatmapSaas.Api.Endpoints;

/// <summary>Heatmaps (seed 000): views over a location's data at their own cell size and zone.</summary>
public static class HeatmapEndpoints
{
    public static IEndpointRouteBuilder MapHeatmapEndpoints(this IEndpointRouteBuilder routes)
    {
        var heatmaps = routes.MapGroup("/v1/heatmaps").RequireApiKey().WithTags("Heatmaps");
        heatmaps.MapPost("/", Create);
        heatmaps.MapGet("/", List);
        heatmaps.MapGet("/{id}", Get);
        heatmaps.MapPatch("/{id}", Update);
        heatmaps.MapDelete("/{id}", Delete);
        heatmaps.MapGet("/{id}/data", Data);
        heatmaps.MapGet("/{id}/image.png", Image);
        return routes;
    }

    private static async Task<Created<HeatmapResponse>> Create(HeatmapBody? body, Caller caller, IGrainFactory grains)
    {
        var heatmap = await Catalog(grains, caller).CreateHeatmapAsync(CatalogValidation.ToDraft(body));
        return TypedResults.Created($"/v1/heatmaps/{heatmap.Id}", HeatmapResponse.From(heatmap));
    }

    private static async Task<Ok<HeatmapListResponse>> List(
        string? location_id, string? limit, string? offset, Caller caller, IGrainFactory grains)
    {
        var (take, skip) = Validate.Paging(limit, offset);
        var page = await Catalog(grains, caller).ListHeatmapsAsync(location_id, take, skip);
        return TypedResults.Ok(new HeatmapListResponse(page.Items.Select(HeatmapResponse.From).ToList(), Pagination.Of(page)));
    }

    private static async Task<Ok<HeatmapResponse>> Get(string id, Caller caller, IGrainFactory grains) =>
        TypedResults.Ok(HeatmapResponse.From(await Catalog(grains, caller).GetHeatmapAsync(id)));

    private static async Task<Ok<HeatmapResponse>> Update(string id, HeatmapBody? body, Caller caller, IGrainFactory grains)
    {
        var catalog = Catalog(grains, caller);
        var patch = CatalogValidation.ToPatch(body, await catalog.GetHeatmapAsync(id));
        return TypedResults.Ok(HeatmapResponse.From(await catalog.UpdateHeatmapAsync(id, patch)));
    }

    private static async Task<NoContent> Delete(string id, Caller caller, IGrainFactory grains)
    {
        await Catalog(grains, caller).DeleteHeatmapAsync(id);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Data(
        string id, string? start_date, string? end_date, string? granularity, HttpRequest request, Caller caller, IGrainFactory grains)
    {
        var step = (granularity ?? "hour") switch
        {
            "hour" => HeatmapGranularity.Hour,
            "day" => HeatmapGranularity.Day,
            "week" => HeatmapGranularity.Week,
            _ => throw ApiException.Invalid("granularity", "granularity must be one of hour, day, week"),
        };
        var heatmap = await Catalog(grains, caller).GetHeatmapAsync(id);
        var window = ReportPeriod.Parse(start_date, end_date, heatmap.TimeZone);
        var data = await grains.GetHeatmapDataAsync(caller.TenantId, heatmap, new BucketWindow(window.First.Index, window.EndExclusive.Index), step);

        if (CsvExport.Wanted(request))
        {
            return CsvExport.From(
                data.Points.Select(p => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
                {
                    ["timestamp"] = p.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                    ["x"] = p.X, ["y"] = p.Y, ["intensity"] = p.Intensity, ["count"] = p.Count,
                }).ToList(),
                ["timestamp", "x", "y", "intensity", "count"]);
        }

        // Shaped as HeatmapDataResponse, written without a record per point.
        return new HeatmapDataJson(id, step.ToString().ToLowerInvariant(), window.Start, window.End, heatmap.CellSize, data);
    }

    private static async Task<FileContentHttpResult> Image(
        string id, string? start_date, string? end_date, Caller caller, IGrainFactory grains)
    {
        var heatmap = await Catalog(grains, caller).GetHeatmapAsync(id);
        var window = ReportPeriod.Parse(start_date, end_date, heatmap.TimeZone);
        var data = await grains.GetHeatmapDataAsync(
            caller.TenantId, heatmap, new BucketWindow(window.First.Index, window.EndExclusive.Index), HeatmapGranularity.Week);
        var floor = heatmap.Floor ?? FloorPlan.Default;
        var floorPlanImage = await grains.GetGrain<IFloorPlanGrain>(heatmap.LocationId).GetAsync(caller.TenantId);
        return TypedResults.File(
            HeatmapImage.RenderPng(data.Points, floor.Width, floor.Height, heatmap.CellSize, floorPlanImage?.Bytes), "image/png");
    }

    private static ICatalogGrain Catalog(IGrainFactory grains, Caller caller) => grains.CatalogOf(caller);
}
