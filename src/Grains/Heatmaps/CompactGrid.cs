using HeatmapSaas.Grains.Footfall;

namespace HeatmapSaas.Grains.Heatmaps;

/// <summary>
/// The cells of one heatmap bucket as two parallel arrays sorted in response order (y, then x): a packed key and
/// a value. About 8 bytes a cell where a hash grid of longs takes about 20, and a period's cells come out of a
/// merge already in the order a response lists them. Values are 32-bit until one outgrows that; then the grid
/// widens to 64-bit values for good. Cells are never removed (values only grow).
/// </summary>
public sealed class CompactGrid
{
    private const int MinSlack = 4;

    private uint[] _keys = [];
    private uint[]? _narrow = [];
    private long[]? _wide;
    private int _count;

    /// <summary>How many cells are non-empty.</summary>
    public int Count => _count;

    public bool IsEmpty => _count == 0;

    /// <summary>The packed keys of the cells, ascending (row-major).</summary>
    public ReadOnlySpan<uint> Keys => _keys.AsSpan(0, _count);

    /// <summary>The row-major key of a cell: y in the high half, so sorting keys sorts by y, then x.</summary>
    public static uint Pack(int x, int y) => ((uint)y << 16) | (uint)x;

    public static int XOf(uint key) => (int)(key & 0xFFFF);

    public static int YOf(uint key) => (int)(key >> 16);

    public long ValueAt(int index) => _narrow is { } narrow ? narrow[index] : _wide![index];

    public long this[int x, int y]
    {
        get
        {
            var index = Keys.BinarySearch(Pack(x, y));
            return index >= 0 ? ValueAt(index) : 0;
        }
    }

    public long Max
    {
        get
        {
            long max = 0;
            for (var i = 0; i < _count; i++)
            {
                max = Math.Max(max, ValueAt(i));
            }

            return max;
        }
    }

    /// <summary>The cells in response order.</summary>
    public GridCell[] ToCells()
    {
        var cells = new GridCell[_count];
        for (var i = 0; i < _count; i++)
        {
            cells[i] = new GridCell(XOf(_keys[i]), YOf(_keys[i]), ValueAt(i));
        }

        return cells;
    }

    /// <summary>
    /// Adds cells given as ascending keys without repeats, with values ≥ 0. Existing cells grow in place; new ones
    /// are merged in, with a little slack so the bucket being filled does not reallocate on every batch.
    /// </summary>
    public void AddSorted(ReadOnlySpan<uint> keys, ReadOnlySpan<long> values)
    {
        var fresh = 0;
        for (int i = 0, j = 0; j < keys.Length; j++)
        {
            while (i < _count && _keys[i] < keys[j])
            {
                i++;
            }

            if (i == _count || _keys[i] != keys[j])
            {
                fresh++;
            }
        }

        if (fresh > 0 && _count + fresh > _keys.Length)
        {
            var capacity = _count + fresh + Math.Max(MinSlack, (_count + fresh) / 8);
            Array.Resize(ref _keys, capacity);
            if (_narrow is not null)
            {
                Array.Resize(ref _narrow, capacity);
            }
            else
            {
                Array.Resize(ref _wide, capacity);
            }
        }

        // Merge from the back, so existing cells move at most once and no second buffer is needed.
        var write = _count + fresh;
        var old = _count - 1;
        for (var j = keys.Length - 1; j >= 0; j--)
        {
            while (old >= 0 && _keys[old] > keys[j])
            {
                Move(old--, --write);
            }

            if (old >= 0 && _keys[old] == keys[j])
            {
                Move(old--, --write);
                AddAt(write, values[j]);
            }
            else
            {
                --write;
                _keys[write] = keys[j];
                SetAt(write, 0);
                AddAt(write, values[j]);
            }
        }

        _count += fresh;
    }

    /// <summary>Drops the growth slack: for buckets that no longer receive events.</summary>
    public void TrimExcess()
    {
        if (_keys.Length == _count)
        {
            return;
        }

        Array.Resize(ref _keys, _count);
        if (_narrow is not null)
        {
            Array.Resize(ref _narrow, _count);
        }
        else
        {
            Array.Resize(ref _wide, _count);
        }
    }

    private void Move(int from, int to)
    {
        if (from == to)
        {
            return;
        }

        _keys[to] = _keys[from];
        if (_narrow is { } narrow)
        {
            narrow[to] = narrow[from];
        }
        else
        {
            _wide![to] = _wide[from];
        }
    }

    private void SetAt(int index, long value)
    {
        if (_narrow is { } narrow)
        {
            narrow[index] = (uint)value;
        }
        else
        {
            _wide![index] = value;
        }
    }

    private void AddAt(int index, long amount)
    {
        if (_narrow is { } narrow)
        {
            var sum = narrow[index] + amount;
            if (sum <= uint.MaxValue)
            {
                narrow[index] = (uint)sum;
                return;
            }

            Widen();
        }

        _wide![index] += amount;
    }

    private void Widen()
    {
        var wide = new long[_keys.Length];
        for (var i = 0; i < wide.Length; i++)
        {
            wide[i] = _narrow![i];
        }

        _wide = wide;
        _narrow = null;
    }
}
