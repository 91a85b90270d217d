using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Heatmaps.Rendering;
using HeatmapSaas.Catalog;
using HeatmapSaas.Errors;
using Microsoft.AspNetCore.Mvc;

namespace HeatmapSaas.Api.Locations;

/// <summary>The floor-plan image the dashboard and <c>image.png</c> draw heatmaps over.</summary>
public static class FloorPlanEndpoints
{
    public const int MaxBytes = 5 * 1024 * 1024;

    public static IEndpointRouteBuilder MapFloorPlanEndpoints(this IEndpointRouteBuilder routes)
    {
        var floorPlan = routes.MapGroup("/v1/locations/{location}/floor-plan").RequireApiKey().WithTags("Locations");
        floorPlan.MapPut("/", Put).WithMetadata(new RequestSizeLimitAttribute(MaxBytes));
        floorPlan.MapGet("/", Get);
        return routes;
    }

    private static async Task<IResult> Put(string location, HttpRequest request, Caller caller, IGrainFactory grains, TimeProvider clock)
    {
        var contentType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (contentType is not ("image/png" or "image/jpeg"))
        {
            throw new ApiException(ApiErrorCode.UnsupportedMediaType, "The floor plan must be image/png or image/jpeg");
        }

        var id = (await grains.CatalogOf(caller).GetLocationAsync(location)).Id;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        // Only the normalised copy is kept: within the pixel budget, decodable, and at most StoredMaxSide a side.
        var normalised = FloorPlanPicture.Normalise(buffer.ToArray(), contentType);
        await grains.GetGrain<IFloorPlanGrain>(id).PutAsync(caller.TenantId, new FloorPlanImage(caller.TenantId, contentType, normalised, clock.GetUtcNow()));
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Get(string location, HttpResponse response, Caller caller, IGrainFactory grains)
    {
        var id = (await grains.CatalogOf(caller).GetLocationAsync(location)).Id;
        var image = await grains.GetGrain<IFloorPlanGrain>(id).GetAsync(caller.TenantId) ?? throw ApiException.NotFound("Floor plan");
        response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(image.Bytes, image.ContentType);
    }
}
