using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Footfall;
using HeatmapSaas.Api.Heatmaps.Rendering;
using HeatmapSaas.Api.Locations;
using HeatmapSaas.Api.Validation;
using HeatmapSaas.Api.Hosting;
using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using HeatmapSaas.Footfall;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Locations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeatmapSaas.Api.Heatmaps;

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
        string? location_id, [AsParameters] Paging paging, Caller caller, IGrainFactory grains)
    {
        var page = await Catalog(grains, caller).ListHeatmapsAsync(location_id, paging.Take, paging.Skip);
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

    private static async Task<Results<HeatmapDataJson, ContentHttpResult>> Data(
        string id, [AsParameters] HeatmapSeries series, HttpRequest request, Caller caller, IGrainFactory grains)
    {
        var step = series.Granularity;
        var heatmap = await Catalog(grains, caller).GetHeatmapAsync(id);
        var window = series.Period.In(heatmap.TimeZone);
        var data = await grains.GetHeatmapDataAsync(caller.TenantId, heatmap, window.Buckets, step);

        if (CsvExport.Wanted(request))
        {
            return CsvExport.From(
                data.Points.Select(p => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
                {
                    ["timestamp"] = Instants.Utc(p.Timestamp),
                    ["x"] = p.X, ["y"] = p.Y, ["intensity"] = p.Intensity, ["count"] = p.Count,
                }).ToList(),
                ["timestamp", "x", "y", "intensity", "count"]);
        }

        // Shaped as HeatmapDataResponse, written without a record per point.
        return new HeatmapDataJson(id, step.ToString().ToLowerInvariant(), window.Start, window.End, heatmap.CellSize, data);
    }

    private static async Task<FileContentHttpResult> Image(
        string id, [AsParameters] ReportPeriod period, Caller caller, IGrainFactory grains)
    {
        var heatmap = await Catalog(grains, caller).GetHeatmapAsync(id);
        var window = period.In(heatmap.TimeZone);
        var data = await grains.GetHeatmapDataAsync(
            caller.TenantId, heatmap, window.Buckets, Granularity.Week);
        var floor = heatmap.FloorOrDefault();
        var floorPlanImage = await grains.GetGrain<IFloorPlanGrain>(heatmap.LocationId).GetAsync(caller.TenantId);
        return TypedResults.File(
            HeatmapImage.RenderPng(data.Points, floor.Width, floor.Height, heatmap.CellSize, floorPlanImage?.Bytes), "image/png");
    }

    private static ICatalogGrain Catalog(IGrainFactory grains, Caller caller) => grains.CatalogOf(caller);
}
