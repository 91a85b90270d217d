using HeatmapSaas.Tenants;

namespace HeatmapSaas.Api.Auth;

/// <summary>Endpoint metadata that says who may call an endpoint.</summary>
public enum Access
{
    /// <summary>Any tenant key whose scope covers the method: GET for read keys, everything for full keys.</summary>
    TenantKey,

    /// <summary>Sensor ingest: full or ingest keys; not counted against the hourly request quota.</summary>
    Ingest,

    /// <summary>Live dashboards (<c>/hubs/live</c>): full or read keys, whatever the method of the handshake.</summary>
    Live,

    /// <summary>The operator's admin key (<c>Heatmap:AdminKey</c>); the route does not exist while it is unset.</summary>
    Admin,
}

/// <summary>The access an endpoint requires; the most specific (last added) wins.</summary>
public sealed record AccessRequirement(Access Access);

public static class AccessRules
{
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, Access access = Access.TenantKey)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AccessRequirement(access));

    /// <summary>Whether a key of this scope may make this request.</summary>
    public static bool Permits(KeyScope scope, Access access, string method) => (scope, access) switch
    {
        (KeyScope.Full, not Access.Admin) => true,
        (KeyScope.Ingest, Access.Ingest) => true,
        (KeyScope.Read, Access.TenantKey) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method),
        (KeyScope.Read, Access.Live) => true,
        _ => false,
    };
}
