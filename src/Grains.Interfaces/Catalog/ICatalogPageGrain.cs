using HeatmapSaas.Heatmaps;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Catalog;

/// <summary>
/// One stored page of a tenant's catalog (key <c>{tenant}/{page}</c>): some of its locations, each with its heatmaps.
/// Only the tenant's <see cref="ICatalogGrain"/> reads and writes it, so that a change stores one page, not all.
/// </summary>
public interface ICatalogPageGrain : IGrainWithStringKey
{
    Task<CatalogPage> ReadAsync();

    Task WriteAsync(CatalogPage page);
}

/// <summary>Locations and heatmaps of a page, each with its creation sequence in the tenant's catalog.</summary>
[GenerateSerializer, Immutable]
public sealed record CatalogPage(
    [property: Id(0)] CatalogEntry<Location>[] Locations,
    [property: Id(1)] CatalogEntry<Heatmap>[] Heatmaps)
{
    public static readonly CatalogPage Empty = new([], []);
}

[GenerateSerializer, Immutable]
public sealed record CatalogEntry<T>([property: Id(0)] long Sequence, [property: Id(1)] T Item);
