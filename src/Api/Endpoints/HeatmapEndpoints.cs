using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Contracts;
using HeatmapSaas.Api.Validation;
using HeatmapSaas.Catalog;
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

    private static ICatalogGrain Catalog(IGrainFactory grains, Caller caller) => grains.GetGrain<ICatalogGrain>(caller.TenantId);
}
