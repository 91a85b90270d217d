namespace HeatmapSaas.Catalog;

/// <summary>A location's floor-plan image (PNG or JPEG), keyed by the location id; the caller's tenant is checked.</summary>
public interface IFloorPlanGrain : IGrainWithStringKey
{
    Task PutAsync(long tenantId, FloorPlanImage image);

    /// <summary>The image, or null when none was uploaded.</summary>
    Task<FloorPlanImage?> GetAsync(long tenantId);
}

[GenerateSerializer, Immutable]
public sealed record FloorPlanImage(
    [property: Id(0)] long TenantId,
    [property: Id(1)] string ContentType,
    [property: Id(2)] byte[] Bytes,
    [property: Id(3)] DateTimeOffset UpdatedAt);
