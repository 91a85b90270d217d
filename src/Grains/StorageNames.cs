namespace HeatmapSaas.Grains;

/// <summary>Names of the grain storage providers the silo configuration registers.</summary>
public static class StorageNames
{
    public const string Default = "heatmap";
}
