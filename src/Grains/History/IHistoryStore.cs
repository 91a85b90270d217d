using HeatmapSaas.Grains.Domain.Footfall;

namespace HeatmapSaas.Grains.History;

/// <summary>
/// Closed buckets of a location (counts and base grids) once they leave grain memory. Adding is additive: a bucket
/// that comes back to life for a late event closes again holding only the new arrivals.
/// </summary>
public interface IHistoryStore
{
    Task AddAsync(string locationId, IReadOnlyList<Bucket> closed, CancellationToken ct = default);

    /// <summary>The stored buckets in <c>[from, to)</c>.</summary>
    Task<IReadOnlyList<HistoricBucket>> ReadAsync(string locationId, TimeBucket from, TimeBucket to, CancellationToken ct = default);
}

/// <summary>A closed bucket as stored: counts and the base grids of each heatmap type.</summary>
public sealed record HistoricBucket(TimeBucket Time, BucketCounts Counts, IReadOnlyDictionary<HeatmapType, IntensityGrid> Grids);
