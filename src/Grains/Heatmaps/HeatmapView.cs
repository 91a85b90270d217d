using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Footfall;

namespace HeatmapSaas.Grains.Heatmaps;

/// <summary>
/// A heatmap's grids at its own cell size, per 15-minute bucket, derived from the location's base grids: filled
/// from a snapshot, then following batch deltas above the snapshot's log position.
/// Memory is bounded: the view holds its live part (buckets from <see cref="LiveFrom"/> on, which
/// <see cref="Trim"/> moves forward as time passes) and at most one recalled stretch just before it, fetched from
/// the location when a question reaches back that far and dropped with <see cref="ForgetRecall"/> when unused.
/// Each part has its own snapshot position, so a delta counts in a part exactly when that part's snapshot lacked it.
/// </summary>
public sealed class HeatmapView(int cellSize, HeatmapType type)
{
    /// <summary>More points than this in one answer asks for a coarser granularity.</summary>
    public const int MaxPoints = 200_000;

    private readonly Dictionary<long, CompactGrid> _buckets = [];
    private readonly int _factor = cellSize / IntensityGrid.BaseCellSize;
    private long _livePosition = -1;
    private long _recallPosition = -1;

    // The newest log position applied to the live part (snapshot or delta).
    private long _applied = -1;

    private uint[] _keys = new uint[64];
    private long[] _values = new long[64];

    public bool IsFilled => _livePosition >= 0;

    public long Samples { get; private set; }

    public int CellSize => cellSize;

    /// <summary>The first bucket of the live part.</summary>
    public long LiveFrom { get; private set; } = long.MinValue;

    /// <summary>The first bucket held: <see cref="LiveFrom"/>, or earlier while a recalled stretch is held.</summary>
    public long HeldFrom { get; private set; } = long.MinValue;

    /// <summary>Fills the live part from a snapshot of the buckets from <paramref name="liveFrom"/> on.</summary>
    public void Fill(GridSnapshot snapshot, long liveFrom = long.MinValue)
    {
        _buckets.Clear();
        LiveFrom = HeldFrom = liveFrom;
        foreach (var bucket in snapshot.Buckets)
        {
            if (bucket.Bucket >= liveFrom)
            {
                Add(bucket);
            }
        }

        _livePosition = _applied = snapshot.Position;
        _recallPosition = -1;
        SealAll();
    }

    /// <summary>
    /// Holds the stretch [<paramref name="from"/>, <see cref="LiveFrom"/>) from a snapshot of it, replacing any
    /// recalled stretch held before.
    /// </summary>
    public void Recall(GridSnapshot snapshot, long from)
    {
        ForgetRecall();
        foreach (var bucket in snapshot.Buckets)
        {
            if (bucket.Bucket >= from && bucket.Bucket < LiveFrom)
            {
                Add(bucket);
            }
        }

        HeldFrom = Math.Min(from, LiveFrom);
        _recallPosition = snapshot.Position;
        SealAll();
    }

    public void ForgetRecall()
    {
        if (HeldFrom == LiveFrom)
        {
            return;
        }

        RemoveBefore(LiveFrom);
        HeldFrom = LiveFrom;
        _recallPosition = -1;
    }

    public bool HasRecall => HeldFrom < LiveFrom;

    /// <summary>True when every bucket from <paramref name="first"/> on is held.</summary>
    public bool Holds(long first) => IsFilled && first >= HeldFrom;

    /// <summary>
    /// Moves the live part's start to <paramref name="liveFrom"/>. The buckets it passes join a recalled stretch
    /// that ends where the live part began (it stays contiguous); otherwise they leave memory.
    /// </summary>
    public void Trim(long liveFrom)
    {
        if (liveFrom <= LiveFrom)
        {
            return;
        }

        // A recalled stretch from a snapshot ahead of the live part would miss the deltas in between once the
        // passed buckets joined it; drop it instead (the next question reaching back recalls again).
        if (HasRecall && _recallPosition > _applied)
        {
            ForgetRecall();
        }

        if (!HasRecall)
        {
            RemoveBefore(liveFrom);
            HeldFrom = liveFrom;
        }

        LiveFrom = liveFrom;
        SealAll();
    }

    /// <summary>Adds one batch's cells to the parts whose snapshot did not already hold them; false when none did.</summary>
    public bool Apply(long position, BucketCells[] changes)
    {
        if (!IsFilled)
        {
            return false;
        }

        var live = position > _livePosition;
        var recall = HasRecall && position > _recallPosition;
        if (live)
        {
            _applied = Math.Max(_applied, position);
        }

        if (!live && !recall)
        {
            return false;
        }

        foreach (var change in changes)
        {
            if (change.Bucket >= LiveFrom ? live : change.Bucket >= HeldFrom && recall)
            {
                Add(change);
            }

            if (live)
            {
                Samples += change.Samples;
            }
        }

        return live;
    }

    /// <summary>The grid of one held bucket at this heatmap's cell size, if anything landed there.</summary>
    public CompactGrid? GridOf(long bucket) => _buckets.GetValueOrDefault(bucket);

    /// <summary>A cell value as the API shows it: a count, or seconds for dwell time.</summary>
    public double Shown(long value) => type == HeatmapType.DwellTime ? value / 1000.0 : value;

    /// <summary>
    /// One point per non-empty cell per period, ordered by timestamp, y, x, as parallel arrays; null when there
    /// would be more than <see cref="MaxPoints"/>. Buckets before <see cref="HeldFrom"/> read as empty: the caller
    /// recalls them first.
    /// </summary>
    public HeatmapPointSet? Points(IReadOnlyList<LocalPeriod> periods)
    {
        var starts = new List<DateTimeOffset>();
        var ends = new List<int>();
        var sum = new PeriodSum();
        var keys = new uint[256];
        var values = new long[256];
        var count = 0;
        long max = 0;
        foreach (var period in periods)
        {
            sum.Clear();
            for (var b = period.First; b < period.EndExclusive; b = b.Next)
            {
                if (_buckets.TryGetValue(b.Index, out var grid) && !grid.IsEmpty)
                {
                    sum.Add(grid);
                }
            }

            if (sum.Count == 0)
            {
                continue;
            }

            if (count + sum.Count > MaxPoints)
            {
                return null;
            }

            if (count + sum.Count > keys.Length)
            {
                var capacity = Math.Max(count + sum.Count, keys.Length * 2);
                Array.Resize(ref keys, capacity);
                Array.Resize(ref values, capacity);
            }

            sum.Keys.CopyTo(keys.AsSpan(count));
            sum.Values.CopyTo(values.AsSpan(count));
            foreach (var value in sum.Values)
            {
                max = Math.Max(max, value);
            }

            count += sum.Count;
            starts.Add(period.Start);
            ends.Add(count);
        }

        return new HeatmapPointSet(starts.ToArray(), ends.ToArray(), keys[..count], values[..count], max, cellSize,
            type == HeatmapType.DwellTime);
    }

    /// <summary>The cells of a period's buckets added up: sorted merges into two buffers used in turn, reused across periods.</summary>
    private sealed class PeriodSum
    {
        private uint[] _keys = new uint[512];
        private long[] _values = new long[512];
        private uint[] _nextKeys = new uint[512];
        private long[] _nextValues = new long[512];

        public int Count { get; private set; }

        public ReadOnlySpan<uint> Keys => _keys.AsSpan(0, Count);

        public ReadOnlySpan<long> Values => _values.AsSpan(0, Count);

        public void Clear() => Count = 0;

        public void Add(CompactGrid grid)
        {
            var needed = Count + grid.Count;
            if (_nextKeys.Length < needed)
            {
                _nextKeys = new uint[Math.Max(needed, _nextKeys.Length * 2)];
                _nextValues = new long[_nextKeys.Length];
            }

            var other = grid.Keys;
            int i = 0, j = 0, n = 0;
            while (i < Count || j < other.Length)
            {
                if (j == other.Length || (i < Count && _keys[i] < other[j]))
                {
                    _nextKeys[n] = _keys[i];
                    _nextValues[n++] = _values[i++];
                }
                else if (i == Count || other[j] < _keys[i])
                {
                    _nextKeys[n] = other[j];
                    _nextValues[n++] = grid.ValueAt(j++);
                }
                else
                {
                    _nextKeys[n] = _keys[i];
                    _nextValues[n++] = _values[i++] + grid.ValueAt(j++);
                }
            }

            (_keys, _nextKeys) = (_nextKeys, _keys);
            (_values, _nextValues) = (_nextValues, _values);
            Count = n;
        }
    }

    private void Add(BucketCells bucket)
    {
        if (bucket.Cells.Length == 0)
        {
            return;
        }

        if (!_buckets.TryGetValue(bucket.Bucket, out var grid))
        {
            _buckets[bucket.Bucket] = grid = new CompactGrid();
        }

        var n = bucket.Cells.Length;
        if (_keys.Length < n)
        {
            _keys = new uint[Math.Max(n, _keys.Length * 2)];
            _values = new long[_keys.Length];
        }

        // Base cells are 10 units; fold them into this heatmap's cells, then sort and add up repeats.
        var ordered = _factor == 1;
        uint previous = 0;
        for (var i = 0; i < n; i++)
        {
            var cell = bucket.Cells[i];
            var key = CompactGrid.Pack(cell.X / _factor, cell.Y / _factor);
            ordered &= i == 0 || key > previous;
            previous = key;
            _keys[i] = key;
            _values[i] = cell.Value;
        }

        if (!ordered)
        {
            Array.Sort(_keys, _values, 0, n);
            var distinct = 0;
            for (var i = 0; i < n; i++)
            {
                if (distinct > 0 && _keys[distinct - 1] == _keys[i])
                {
                    _values[distinct - 1] += _values[i];
                }
                else
                {
                    _keys[distinct] = _keys[i];
                    _values[distinct++] = _values[i];
                }
            }

            n = distinct;
        }

        grid.AddSorted(_keys.AsSpan(0, n), _values.AsSpan(0, n));
    }

    private void RemoveBefore(long bucket)
    {
        List<long>? gone = null;
        foreach (var index in _buckets.Keys)
        {
            if (index < bucket)
            {
                (gone ??= []).Add(index);
            }
        }

        if (gone is not null)
        {
            foreach (var index in gone)
            {
                _buckets.Remove(index);
            }
        }
    }

    // Only the newest buckets still grow; the others give back their growth slack.
    private void SealAll()
    {
        var newest = long.MinValue;
        foreach (var index in _buckets.Keys)
        {
            newest = Math.Max(newest, index);
        }

        foreach (var (index, grid) in _buckets)
        {
            if (index < newest - 1)
            {
                grid.TrimExcess();
            }
        }
    }
}
