namespace HeatmapSaas.Grains.Footfall;

/// <summary>Reading live buckets, and moving old ones out so memory stays bounded.</summary>
public sealed partial class FootfallLedger
{
    private readonly HashSet<long> _pinned = [];

    /// <summary>How many buckets are held in memory.</summary>
    public int LiveBucketCount => _buckets.Count;

    /// <summary>The live buckets, ascending.</summary>
    public IReadOnlyList<Bucket> LiveBuckets()
    {
        var buckets = _buckets.Values.ToArray();
        Array.Sort(buckets, static (a, b) => a.Time.CompareTo(b.Time));
        return buckets;
    }

    public bool TryGetBucket(TimeBucket time, out Bucket bucket) => _buckets.TryGetValue(time.Index, out bucket!);

    /// <summary>The counts of the live buckets in [from, toExclusive).</summary>
    public BucketCounts CountsBetween(TimeBucket from, TimeBucket toExclusive)
    {
        var sum = BucketCounts.Zero;
        foreach (var bucket in InRange(from, toExclusive))
        {
            sum += bucket.Counts;
        }

        return sum;
    }

    /// <summary>The counts of each live bucket in [from, toExclusive) by bucket index: a copy to hold across awaits.</summary>
    public Dictionary<long, BucketCounts> CountsByBucket(TimeBucket from, TimeBucket toExclusive)
    {
        var counts = new Dictionary<long, BucketCounts>();
        foreach (var bucket in InRange(from, toExclusive))
        {
            counts[bucket.Time.Index] = bucket.Counts;
        }

        return counts;
    }

    /// <summary>The grid of a type summed over the live buckets in [from, toExclusive), at a cell size (a multiple of 10).</summary>
    public IntensityGrid GridBetween(HeatmapType type, TimeBucket from, TimeBucket toExclusive, int cellSize = IntensityGrid.BaseCellSize)
    {
        var sum = new IntensityGrid(cellSize);
        foreach (var bucket in InRange(from, toExclusive))
        {
            sum.AddAll(bucket.Grid(type));
        }

        return sum;
    }

    /// <summary>
    /// Removes and returns the buckets before <paramref name="before"/>, ascending, for the history store — except
    /// a bucket in which a still-open track was first seen: its counts are still changing (a track becomes a
    /// discovery as its dwell grows), so it stays live until those tracks end and a later call closes it. A
    /// returned bucket is an increment: if a late event lands in a closed bucket, the bucket comes back to life
    /// holding only the new arrivals, and closes again later. The history store adds, it never replaces.
    /// </summary>
    public IReadOnlyList<Bucket> CloseBucketsBefore(TimeBucket before)
    {
        var closing = ClosableBefore(before, gridsBefore: new TimeBucket(long.MinValue));
        Close(closing);
        return closing.Whole;
    }

    /// <summary>
    /// What the next closing moves to the history store, left in place so a caller that must store it first (and
    /// may fail to) applies it with <see cref="Close"/> only once it is stored: the whole buckets before
    /// <paramref name="before"/> (as <see cref="CloseBucketsBefore"/> chooses them), and the base grids of the other
    /// buckets before <paramref name="gridsBefore"/>. Grids are most of a bucket's memory and no track pins them
    /// (samples go to the bucket of their own ts), so they can leave long before the bucket's counts do.
    /// </summary>
    public BucketClosing ClosableBefore(TimeBucket before, TimeBucket gridsBefore)
    {
        _pinned.Clear();
        _tracks.AddFirstSeenBuckets(_pinned);
        var whole = new List<Bucket>();
        var grids = new List<Bucket>();
        foreach (var (index, bucket) in _buckets)
        {
            if (index < before.Index && !_pinned.Contains(index))
            {
                whole.Add(bucket);
            }
            else if (index < gridsBefore.Index && bucket.HasGrids)
            {
                grids.Add(bucket.GridsOnly());
            }
        }

        whole.Sort(static (a, b) => a.Time.CompareTo(b.Time));
        grids.Sort(static (a, b) => a.Time.CompareTo(b.Time));
        return new BucketClosing(whole, grids);
    }

    /// <summary>Applies a closing from <see cref="ClosableBefore"/>: its whole buckets leave, and so do its grids.</summary>
    public void Close(BucketClosing closing)
    {
        foreach (var bucket in closing.Whole)
        {
            _buckets.Remove(bucket.Time.Index);
        }

        foreach (var part in closing.Grids)
        {
            if (_buckets.TryGetValue(part.Time.Index, out var bucket))
            {
                bucket.DropGrids();
            }
        }

        _recent = null;
    }

    private List<Bucket> InRange(TimeBucket from, TimeBucket toExclusive)
    {
        var found = new List<Bucket>();
        var span = toExclusive - from;
        if (span <= 0)
        {
            return found;
        }

        // Walk whichever is shorter: the range's indices or the live buckets.
        if (span <= _buckets.Count)
        {
            for (var index = from.Index; index < toExclusive.Index; index++)
            {
                if (_buckets.TryGetValue(index, out var bucket))
                {
                    found.Add(bucket);
                }
            }
        }
        else
        {
            foreach (var (index, bucket) in _buckets)
            {
                if (index >= from.Index && index < toExclusive.Index)
                {
                    found.Add(bucket);
                }
            }
        }

        return found;
    }
}
