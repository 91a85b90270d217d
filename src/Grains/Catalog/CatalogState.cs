using HeatmapSaas.Catalog;

namespace HeatmapSaas.Grains.Catalog;

/// <summary>A tenant's locations and heatmaps in creation order (the order every list answers in).</summary>
[GenerateSerializer]
public sealed class CatalogState
{
    [Id(0)] public List<Location> Locations { get; set; } = [];
    [Id(1)] public List<Heatmap> Heatmaps { get; set; } = [];
}
