using HeatmapSaas.Tenants;
using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Validation;
using HeatmapSaas.Catalog;
using HeatmapSaas.Locations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeatmapSaas.Api.Locations;

/// <summary>Locations (seed 000 and seed 002): a <c>{location}</c> segment is an id or a slug.</summary>
public static class LocationEndpoints
{
    public static IEndpointRouteBuilder MapLocationEndpoints(this IEndpointRouteBuilder routes)
    {
        var locations = routes.MapGroup("/v1/locations").RequireApiKey().WithTags("Locations");
        locations.MapPost("/", Create);
        locations.MapGet("/", List);
        locations.MapGet("/last-update/{location}", LastUpdate);
        locations.MapGet("/{location}", Get);
        locations.MapPatch("/{location}", Update);
        locations.MapDelete("/{location}", Delete);
        return routes;
    }

    private static async Task<Created<LocationResponse>> Create(LocationBody? body, Caller caller, IGrainFactory grains)
    {
        var draft = CatalogValidation.ToDraft(body);
        if (draft.TimeZone is null)
        {
            // A location without a zone gets its tenant's: the API asks, so the catalog never calls the tenant.
            draft = draft with { TimeZone = (await grains.GetGrain<ITenantGrain>(caller.TenantId).GetAsync())?.TimeZone };
        }

        var location = await Catalog(grains, caller).CreateLocationAsync(draft);
        return TypedResults.Created($"/v1/locations/{location.Id}", LocationResponse.From(location));
    }

    private static async Task<Results<Ok<LocationListResponse<LocationListItemResponse>>, Ok<LocationListResponse<LocationInfoListItemResponse>>>> List(
        [AsParameters] Paging paging, string? type, string? info, Caller caller, IGrainFactory grains)
    {
        Validate.OneOf(type, "type", CatalogValidation.LocationTypes);
        var withInfo = Validate.QueryBool(info, "info");
        var page = await Catalog(grains, caller).ListLocationsAsync(type, paging.Take, paging.Skip);
        var pagination = Pagination.Of(page);
        return withInfo
            ? TypedResults.Ok(new LocationListResponse<LocationInfoListItemResponse>(page.Items.Select(LocationInfoListItemResponse.From).ToList(), pagination))
            : TypedResults.Ok(new LocationListResponse<LocationListItemResponse>(page.Items.Select(LocationListItemResponse.From).ToList(), pagination));
    }

    private static async Task<Ok<LocationResponse>> Get(string location, Caller caller, IGrainFactory grains) =>
        TypedResults.Ok(LocationResponse.From(await Catalog(grains, caller).GetLocationAsync(location)));

    private static async Task<Ok<LocationResponse>> Update(
        string location, LocationBody? body, Caller caller, IGrainFactory grains, LocationAddresses addresses)
    {
        var patch = CatalogValidation.ToPatch(body);
        var updated = await Catalog(grains, caller).UpdateLocationAsync(location, patch);
        addresses.Forget(caller.TenantId);
        return TypedResults.Ok(LocationResponse.From(updated));
    }

    private static async Task<NoContent> Delete(string location, Caller caller, IGrainFactory grains, LocationAddresses addresses)
    {
        await Catalog(grains, caller).DeleteLocationAsync(location);
        addresses.Forget(caller.TenantId);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<LastUpdateResponse[]>> LastUpdate(string location, Caller caller, IGrainFactory grains)
    {
        var found = await Catalog(grains, caller).GetLocationAsync(location);
        var lastUpdate = await grains.GetGrain<ILocationGrain>(found.Id).GetLastUpdateAsync(caller.TenantId);
        return TypedResults.Ok(new[] { new LastUpdateResponse(lastUpdate) });
    }

    private static ICatalogGrain Catalog(IGrainFactory grains, Caller caller) => grains.CatalogOf(caller);
}
