namespace HeatmapSaas.Grains.Catalog;

/// <summary>The catalog grain's own state: how many pages its entries are stored in (pages 0 .. Pages - 1).</summary>
[GenerateSerializer]
public sealed class CatalogState
{
    [Id(2)] public int Pages { get; set; }
}
