namespace HeatmapSaas.Grains.Footfall;

/// <summary>Reading live buckets, and moving old ones out so memory stays bounded.</summary>
public sealed partial class FootfallLedger
{
    private readonly HashSet<long> _pinned = [];

    /// <summary>The live buckets, ascending.</summary>
    public IReadOnlyList<Bucket> LiveBuckets()
    {
        var buckets = _buckets.Values.ToArray();
        Array.Sort(buckets, static (a, b) => a.Time.CompareTo(b.Time));
        return buckets;
    }

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

    /// <summary>
    /// What the next closing moves to the history store, left in place so a caller that must store it first (and
    /// may fail to) applies it with <see cref="Close"/> only once it is stored: the whole buckets before
    /// <paramref name="before"/>, and the base grids of the other buckets before <paramref name="gridsBefore"/>.
    /// A bucket in which a still-open track was first seen stays whole: its counts are still changing (a track
    /// becomes a discovery as its dwell grows), so a later closing takes it once those tracks end. A closed bucket
    /// is an increment: if a late event lands in it, it comes back holding only the new arrivals and closes again
    /// later, so the history store adds, it never replaces. Grids are most of a bucket's memory and no track pins
    /// them (samples go to the bucket of their own ts), so they can leave long before the bucket's counts do.
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
