namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// What one closing moves from a ledger to the history store: whole buckets, and grid parts (a live bucket's base
/// grids with no counts, sharing the live grids until <see cref="FootfallLedger.Close"/> lets them go).
/// </summary>
public sealed record BucketClosing(IReadOnlyList<Bucket> Whole, IReadOnlyList<Bucket> Grids)
{
    public bool IsEmpty => Whole.Count == 0 && Grids.Count == 0;

    /// <summary>Everything to store as one generation, ascending; a bucket is either whole or a grid part, never both.</summary>
    public IReadOnlyList<Bucket> ToStore() => [.. Whole.Concat(Grids).OrderBy(b => b.Time)];
}
