using HeatmapSaas.Grains.Footfall;

namespace HeatmapSaas.Grains.Locations.History;

/// <summary>
/// Closed buckets of a location (counts and base grids) once they leave grain memory. Each closing is a numbered
/// generation of the location; a bucket that comes back to life for a late event closes again in a later
/// generation holding only the new arrivals, and a read adds up every generation of a bucket. The location's
/// checkpoint records the newest generation it committed: reads name it, so a generation written just before a
/// crash (and so still in the replayed ledger too) is never counted, and the next closing rewrites it whole.
/// </summary>
public interface IHistoryStore
{
    /// <summary>Stores one generation, replacing whatever an earlier attempt at the same generation stored.</summary>
    Task AddAsync(string locationId, long generation, IReadOnlyList<Bucket> closed, CancellationToken ct = default);

    /// <summary>The stored buckets in <c>[from, to)</c> of the generations up to <paramref name="throughGeneration"/>, ascending.</summary>
    Task<IReadOnlyList<HistoricBucket>> ReadAsync(string locationId, TimeBucket from, TimeBucket to, long throughGeneration,
        CancellationToken ct = default);

    /// <summary>
    /// As <see cref="ReadAsync"/>, the counts only (by bucket index, generations added up): what traffic, analytics and
    /// summaries need, without decoding the grids that are most of a stored bucket.
    /// </summary>
    Task<IReadOnlyDictionary<long, BucketCounts>> ReadCountsAsync(string locationId, TimeBucket from, TimeBucket to, long throughGeneration,
        CancellationToken ct = default);
}

/// <summary>A closed bucket as stored: counts and the base grids of each heatmap type.</summary>
public sealed record HistoricBucket(TimeBucket Time, BucketCounts Counts, IReadOnlyDictionary<HeatmapType, IntensityGrid> Grids)
{
    /// <summary>A bucket the caller gives away (one just decoded): its grids are taken, not copied.</summary>
    public static HistoricBucket Of(Bucket bucket) =>
        new(bucket.Time, bucket.Counts, HeatmapTypes.All.ToDictionary(t => t, bucket.Grid));

    /// <summary>Adds up the counts of each bucket's generations.</summary>
    public static IReadOnlyDictionary<long, BucketCounts> SumCounts(IEnumerable<(TimeBucket Time, BucketCounts Counts)> parts)
    {
        var summed = new Dictionary<long, BucketCounts>();
        foreach (var (time, counts) in parts)
        {
            summed[time.Index] = summed.GetValueOrDefault(time.Index) + counts;
        }

        return summed;
    }

    /// <summary>Adds the generations of one bucket, ascending by time, into one bucket each.</summary>
    public static IReadOnlyList<HistoricBucket> Sum(IEnumerable<HistoricBucket> parts)
    {
        var summed = new SortedDictionary<long, HistoricBucket>();
        foreach (var part in parts)
        {
            if (!summed.TryGetValue(part.Time.Index, out var sum))
            {
                summed[part.Time.Index] = part;
                continue;
            }

            var grids = HeatmapTypes.All.ToDictionary(t => t, t => sum.Grids[t].Clone());
            foreach (var (type, grid) in part.Grids)
            {
                grids[type].AddAll(grid);
            }

            summed[part.Time.Index] = new HistoricBucket(part.Time, sum.Counts + part.Counts, grids);
        }

        return summed.Values.ToList();
    }
}
