using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Locations;
using HeatmapSaas.Api.Validation;
using HeatmapSaas.Grains.Webhooks;
using HeatmapSaas.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HeatmapSaas.Api.Webhooks;

/// <summary>Webhooks (seed 000): endpoints that receive signed events, and the record of every delivery attempt.</summary>
public static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder routes)
    {
        var webhooks = routes.MapGroup("/v1/webhooks").RequireApiKey().WithTags("Webhooks");
        webhooks.MapPost("/", Register);
        webhooks.MapGet("/", List);
        webhooks.MapGet("/{id}", Get);
        webhooks.MapPatch("/{id}", Update);
        webhooks.MapDelete("/{id}", Delete);
        webhooks.MapGet("/{id}/deliveries", Deliveries);
        return routes;
    }

    private static async Task<Created<IssuedWebhookResponse>> Register(
        WebhookBody? body, Caller caller, IGrainFactory grains, WebhookTargetGuard guard, CancellationToken ct)
    {
        var draft = await WebhookValidation.ToDraftAsync(body, guard, ct);
        var issued = await Registry(grains, caller).RegisterAsync(draft);
        return TypedResults.Created($"/v1/webhooks/{issued.Endpoint.Id}", IssuedWebhookResponse.From(issued));
    }

    private static async Task<Ok<WebhookListResponse>> List([AsParameters] Paging paging, Caller caller, IGrainFactory grains)
    {
        var page = await Registry(grains, caller).ListAsync(paging.Take, paging.Skip);
        return TypedResults.Ok(new WebhookListResponse(page.Items.Select(WebhookResponse.From).ToList(), Pagination.Of(page)));
    }

    private static async Task<Ok<WebhookResponse>> Get(string id, Caller caller, IGrainFactory grains) =>
        TypedResults.Ok(WebhookResponse.From(await Registry(grains, caller).GetAsync(id)));

    private static async Task<Ok<WebhookResponse>> Update(
        string id, WebhookBody? body, Caller caller, IGrainFactory grains, WebhookTargetGuard guard, CancellationToken ct)
    {
        var registry = Registry(grains, caller);
        await registry.GetAsync(id);
        var patch = await WebhookValidation.ToPatchAsync(body, guard, ct);
        return TypedResults.Ok(WebhookResponse.From(await registry.UpdateAsync(id, patch)));
    }

    private static async Task<NoContent> Delete(string id, Caller caller, IGrainFactory grains)
    {
        await Registry(grains, caller).DeleteAsync(id);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<WebhookDeliveryListResponse>> Deliveries(
        string id, [AsParameters] Paging paging, Caller caller, IGrainFactory grains)
    {
        var page = await Registry(grains, caller).ListDeliveriesAsync(id, paging.Take, paging.Skip);
        return TypedResults.Ok(new WebhookDeliveryListResponse(
            page.Items.Select(WebhookDeliveryResponse.From).ToList(), Pagination.Of(page)));
    }

    private static IWebhookRegistryGrain Registry(IGrainFactory grains, Caller caller) =>
        grains.GetGrain<IWebhookRegistryGrain>(caller.TenantId);
}
