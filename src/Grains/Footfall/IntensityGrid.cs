namespace HeatmapSaas.Grains.Footfall;

/// <summary>One non-empty cell: its column, row and value (a count, or milliseconds for dwell time).</summary>
public readonly record struct GridCell(int X, int Y, long Value);

/// <summary>
/// A sparse grid of cell values: an open-addressing hash of packed (x, y) keys, because a store's 15 minutes touch
/// a few hundred cells of a floor that has ten thousand, and a dictionary's entries cost twice as much memory.
/// Values only grow (every sample adds ≥ 0), so cells are never removed. Cell x/y are at most
/// <see cref="MaxCell"/>: floors up to 655,340 units at the 10-unit base.
/// </summary>
public sealed class IntensityGrid
{
    public const int BaseCellSize = 10;
    public const int MaxCell = 65_534;

    // (65535, 65535) would pack to the empty marker; MaxCell keeps it out of reach.
    private const uint EmptyKey = uint.MaxValue;
    private const int MinCapacityLog2 = 3;

    /// <summary>A shared grid with no cells that refuses additions, returned for buckets with nothing of a type.</summary>
    public static readonly IntensityGrid Empty = new(BaseCellSize, readOnly: true);

    private readonly bool _readOnly;
    private uint[] _keys;
    private long[] _values;
    private int _count;
    private int _shift;

    public IntensityGrid(int cellSize = BaseCellSize)
        : this(cellSize, readOnly: false)
    {
    }

    private IntensityGrid(int cellSize, bool readOnly, int capacityLog2 = MinCapacityLog2)
    {
        if (cellSize <= 0 || cellSize % BaseCellSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cellSize), cellSize, "A cell size is a positive multiple of 10.");
        }

        CellSize = cellSize;
        _readOnly = readOnly;
        _keys = NewKeys(1 << capacityLog2);
        _values = new long[1 << capacityLog2];
        _shift = 32 - capacityLog2;
    }

    /// <summary>The side of one cell in floor units.</summary>
    public int CellSize { get; }

    /// <summary>How many cells are non-empty.</summary>
    public int Count => _count;

    public bool IsEmpty => _count == 0;

    public long this[int x, int y]
    {
        get
        {
            var slot = Find(Pack(x, y));
            return slot >= 0 ? _values[slot] : 0;
        }
    }

    /// <summary>The largest cell value, 0 when empty: the denominator of a response's intensity.</summary>
    public long Max
    {
        get
        {
            long max = 0;
            foreach (var cell in this)
            {
                max = Math.Max(max, cell.Value);
            }

            return max;
        }
    }

    public long Total
    {
        get
        {
            long total = 0;
            foreach (var cell in this)
            {
                total += cell.Value;
            }

            return total;
        }
    }

    /// <summary>The cell that contains a floor coordinate at a cell size; out-of-range input is clamped, never thrown.</summary>
    public static int CellOf(double coordinate, int cellSize = BaseCellSize)
    {
        var cell = Math.Floor(coordinate / cellSize);
        return cell >= 0 ? cell <= MaxCell ? (int)cell : MaxCell : 0;
    }

    /// <summary>Adds to one cell. Amounts are ≥ 0; adding 0 leaves an empty cell empty.</summary>
    public void Add(int x, int y, long amount)
    {
        if (amount <= 0)
        {
            if (amount < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(amount), amount, "Grid values only grow.");
            }

            return;
        }

        if (_readOnly)
        {
            throw new InvalidOperationException("This grid is read-only.");
        }

        AddPacked(Pack(x, y), amount);
    }

    /// <summary>Adds another grid's cells into this one, folding them into this grid's coarser cells when needed.</summary>
    public void AddAll(IntensityGrid other)
    {
        if (CellSize % other.CellSize != 0)
        {
            throw new ArgumentException($"A grid of cell size {other.CellSize} cannot be folded into cells of {CellSize}.", nameof(other));
        }

        var factor = CellSize / other.CellSize;
        foreach (var cell in other)
        {
            Add(cell.X / factor, cell.Y / factor, cell.Value);
        }
    }

    public IntensityGrid Clone()
    {
        var copy = new IntensityGrid(CellSize, readOnly: false, 32 - _shift)
        {
            _count = _count,
        };
        Array.Copy(_keys, copy._keys, _keys.Length);
        Array.Copy(_values, copy._values, _values.Length);
        return copy;
    }

    /// <summary>The non-empty cells ordered by y, then x — the order a heatmap response lists its points in.</summary>
    public GridCell[] ToCells()
    {
        var cells = new GridCell[_count];
        var rowMajor = new uint[_count];
        var n = 0;
        foreach (var cell in this)
        {
            rowMajor[n] = ((uint)cell.Y << 16) | (uint)cell.X;
            cells[n++] = cell;
        }

        Array.Sort(rowMajor, cells);
        return cells;
    }

    public Enumerator GetEnumerator() => new(this);

    /// <summary>Cells in storage order (not sorted); a struct so a foreach allocates nothing.</summary>
    public struct Enumerator
    {
        private readonly IntensityGrid _grid;
        private int _slot;

        internal Enumerator(IntensityGrid grid)
        {
            _grid = grid;
            _slot = -1;
        }

        public readonly GridCell Current
        {
            get
            {
                var key = _grid._keys[_slot];
                return new GridCell((int)(key >> 16), (int)(key & 0xFFFF), _grid._values[_slot]);
            }
        }

        public bool MoveNext()
        {
            var keys = _grid._keys;
            while (++_slot < keys.Length)
            {
                if (keys[_slot] != EmptyKey)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Cells sorted by key and delta-encoded, so a checkpoint is a few bytes per cell and deterministic.</summary>
    internal void WriteTo(BinaryWriter writer)
    {
        writer.Write7BitEncodedInt(CellSize);
        writer.Write7BitEncodedInt(_count);
        var keys = new uint[_count];
        var values = new long[_count];
        var n = 0;
        for (var slot = 0; slot < _keys.Length; slot++)
        {
            if (_keys[slot] != EmptyKey)
            {
                keys[n] = _keys[slot];
                values[n++] = _values[slot];
            }
        }

        Array.Sort(keys, values);
        uint previous = 0;
        for (var i = 0; i < n; i++)
        {
            writer.Write7BitEncodedInt64(keys[i] - previous);
            writer.Write7BitEncodedInt64(values[i]);
            previous = keys[i];
        }
    }

    internal static IntensityGrid ReadFrom(BinaryReader reader)
    {
        var cellSize = reader.Read7BitEncodedInt();
        var count = reader.Read7BitEncodedInt();
        if (count < 0)
        {
            throw new InvalidDataException("A grid with a negative cell count.");
        }

        var log2 = MinCapacityLog2;
        while (!FitsWithin(count, 1 << log2))
        {
            log2++;
        }

        var grid = new IntensityGrid(cellSize, readOnly: false, log2);
        uint key = 0;
        for (var i = 0; i < count; i++)
        {
            key += checked((uint)reader.Read7BitEncodedInt64());
            var value = reader.Read7BitEncodedInt64();
            if (key == EmptyKey || value <= 0)
            {
                throw new InvalidDataException("A grid cell out of range.");
            }

            grid.AddPacked(key, value);
        }

        return grid;
    }

    private static uint Pack(int x, int y)
    {
        if ((uint)x > MaxCell || (uint)y > MaxCell)
        {
            throw new ArgumentOutOfRangeException(x > MaxCell || x < 0 ? nameof(x) : nameof(y), "Cell coordinates are 0..65534.");
        }

        return ((uint)x << 16) | (uint)y;
    }

    private static uint[] NewKeys(int capacity)
    {
        var keys = new uint[capacity];
        Array.Fill(keys, EmptyKey);
        return keys;
    }

    // Fibonacci hashing spreads neighbouring cells, whose packed keys differ in few low bits, across the table.
    private int Home(uint key) => (int)((key * 2654435769u) >> _shift);

    private static bool FitsWithin(int count, int capacity) => count * 4 <= capacity * 3;

    private int Find(uint key)
    {
        var mask = _keys.Length - 1;
        for (var slot = Home(key); ; slot = (slot + 1) & mask)
        {
            var found = _keys[slot];
            if (found == key)
            {
                return slot;
            }

            if (found == EmptyKey)
            {
                return -1;
            }
        }
    }

    private void AddPacked(uint key, long amount)
    {
        var mask = _keys.Length - 1;
        for (var slot = Home(key); ; slot = (slot + 1) & mask)
        {
            var found = _keys[slot];
            if (found == key)
            {
                _values[slot] += amount;
                return;
            }

            if (found == EmptyKey)
            {
                if (!FitsWithin(_count + 1, _keys.Length))
                {
                    Grow();
                    AddPacked(key, amount);
                    return;
                }

                _keys[slot] = key;
                _values[slot] = amount;
                _count++;
                return;
            }
        }
    }

    private void Grow()
    {
        var oldKeys = _keys;
        var oldValues = _values;
        _keys = NewKeys(oldKeys.Length * 2);
        _values = new long[oldKeys.Length * 2];
        _shift--;
        _count = 0;
        for (var slot = 0; slot < oldKeys.Length; slot++)
        {
            if (oldKeys[slot] != EmptyKey)
            {
                AddPacked(oldKeys[slot], oldValues[slot]);
            }
        }
    }
}
