using HeatmapSaas.Api.Auth;
using HeatmapSaas.Tenants;
using Microsoft.AspNetCore.SignalR;

namespace HeatmapSaas.Api.Live;

/// <summary>
/// Keeps a hub connection to what its key may do after the handshake: each invocation is refused once the key is
/// revoked (within <see cref="ApiKeyCache.Freshness"/>) and counts against the tenant's hourly quota like a request,
/// under the plan the tenant has now.
/// </summary>
public sealed class HubAccess(HubKeyWatch watch, ApiKeyCache keys, IGrainFactory grains) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (KeyHashOf(context.Context) is { } hash)
        {
            watch.Opened(context.Context, hash);
        }

        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        watch.Closed(context.Context);
        await next(context, exception);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var hash = KeyHashOf(context.Context);
        if (hash is null || await keys.HolderAsync(hash) is not { } holder)
        {
            context.Context.Abort();
            throw new HubException("This API key was revoked");
        }

        var allowance = await grains.GetGrain<ITenantGrain>(holder.TenantId).ConsumeRequestAsync();
        if (!allowance.Allowed)
        {
            throw new HubException($"Rate limit of {allowance.Limit} requests per hour exceeded; retry after the window resets");
        }

        return await next(context);
    }

    private static string? KeyHashOf(HubCallerContext connection) =>
        connection.GetHttpContext() is { } http && ApiKeyAuthentication.PresentedKey(http.Request) is { } key
            ? ApiKeySecret.Hash(key)
            : null;
}
