namespace HeatmapSaas.Api.Demo;

/// <summary>The dashboard's first-run offer of the Demo key (see <see cref="DemoKeyOffer"/>); not part of the public API.</summary>
public static class DemoKeyEndpoints
{
    public const string Path = "/dashboard/demo-key";

    public static IEndpointRouteBuilder MapDemoKeyEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, (HttpContext context, DemoKeyOffer offer) =>
                offer.For(context) is { } key ? Results.Ok(new DemoKeyResponse(key)) : Results.NotFound())
            .ExcludeFromDescription();
        return routes;
    }
}

public sealed record DemoKeyResponse(string ApiKey);
