using System.Reflection;
using HeatmapSaas.Tenants;

namespace HeatmapSaas.Api.Auth;

/// <summary>The tenant and key a request was authenticated as; handlers take it as a parameter.</summary>
public sealed record Caller(long TenantId, string KeyId, KeyScope Scope)
{
    private static readonly object ItemKey = new();

    public void AttachTo(HttpContext context) => context.Items[ItemKey] = this;

    public static Caller From(HttpContext context) =>
        context.Items[ItemKey] as Caller ?? throw new InvalidOperationException("The endpoint is not marked RequireApiKey().");

    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<Caller?>(From(context));
}
