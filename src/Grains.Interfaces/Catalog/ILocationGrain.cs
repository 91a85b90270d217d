namespace HeatmapSaas.Catalog;

/// <summary>
/// One location's live data. Its configuration is pushed by the tenant's catalog; every call names the caller's
/// tenant and a location of another tenant answers as if it did not exist.
/// </summary>
public interface ILocationGrain : IGrainWithStringKey
{
    Task ConfigureAsync(Location location);

    Task RetireAsync(long tenantId);

    /// <summary>The <c>ts</c> of the newest accepted sensor event, or null before any.</summary>
    Task<DateTimeOffset?> GetLastUpdateAsync(long tenantId);
}

/// <summary>One heatmap: a view over its location's data at its own cell size and zone.</summary>
public interface IHeatmapGrain : IGrainWithStringKey
{
    Task ConfigureAsync(Heatmap heatmap);

    Task RetireAsync(long tenantId);
}
