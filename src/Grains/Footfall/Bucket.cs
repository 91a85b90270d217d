namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// One 15-minute bucket of a location: its counts and its three base grids (10-unit cells). While live it belongs
/// to the ledger; once a closing (<see cref="FootfallLedger.ClosableBefore"/>, <see cref="FootfallLedger.Close"/>) has taken it, it is the caller's, and it is
/// an increment: everything that arrived for that bucket since it was last closed (late events re-open a bucket).
/// Its grids may close ahead of its counts; samples that arrive
/// afterwards start new grids, increments in the same way.
/// </summary>
public sealed class Bucket
{
    private readonly IntensityGrid?[] _grids = new IntensityGrid?[HeatmapTypes.Count];

    // What the batch being applied added to the grids here, drained into its BatchEffect when the batch is done.
    private IntensityGrid?[]? _changedGrids;
    private int[]? _changedSamples;

    internal Bucket(TimeBucket time)
    {
        Time = time;
    }

    public TimeBucket Time { get; }

    public BucketCounts Counts { get; private set; }

    /// <summary>True while this bucket is on the ledger's list of buckets the current batch touched.</summary>
    internal bool Touched { get; set; }

    /// <summary>The base grid of a type; a shared empty grid when nothing of that type arrived.</summary>
    public IntensityGrid Grid(HeatmapType type) => _grids[(int)type] ?? IntensityGrid.Empty;

    internal bool HasGrids => Array.Exists(_grids, static g => g is not null);

    /// <summary>A bucket of the same time holding only these base grids (the same objects) and no counts.</summary>
    internal Bucket GridsOnly()
    {
        var part = new Bucket(Time);
        _grids.CopyTo(part._grids, 0);
        return part;
    }

    /// <summary>Lets the base grids go once they are stored elsewhere; the counts stay.</summary>
    internal void DropGrids() => Array.Clear(_grids);

    internal void ChangeTrack(in BucketCounts before, in BucketCounts after)
    {
        Counts = Counts.WithTrackChange(before, after);
    }

    internal void AddConversion(decimal value) => Counts = Counts.WithConversion(value);

    /// <summary>One sample of a type: adds to its cell (amount may be 0, which still counts as a sample).</summary>
    internal void AddSample(HeatmapType type, int x, int y, long amount)
    {
        var index = (int)type;
        _changedSamples ??= new int[HeatmapTypes.Count];
        _changedSamples[index]++;
        if (amount > 0)
        {
            (_grids[index] ??= new IntensityGrid()).Add(x, y, amount);
            _changedGrids ??= new IntensityGrid?[HeatmapTypes.Count];
            (_changedGrids[index] ??= new IntensityGrid()).Add(x, y, amount);
        }
    }

    /// <summary>Hands this batch's grid changes to the effect being built and forgets them.</summary>
    internal void DrainChanges(List<GridChange> grids)
    {
        if (_changedSamples is not null)
        {
            for (var type = 0; type < HeatmapTypes.Count; type++)
            {
                if (_changedSamples[type] > 0)
                {
                    grids.Add(new GridChange(Time, (HeatmapType)type, _changedGrids?[type] ?? IntensityGrid.Empty, _changedSamples[type]));
                }
            }
        }

        _changedGrids = null;
        _changedSamples = null;
        Touched = false;
    }

    /// <summary>The bucket in the ledger's compact binary format (delta-coded cells), as a history store keeps it.</summary>
    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.ToArray();
    }

    public static Bucket Decode(byte[] data)
    {
        using var reader = new BinaryReader(new MemoryStream(data));
        return ReadFrom(reader);
    }

    private static BucketCounts ReadCounts(BinaryReader reader) => new(
        reader.Read7BitEncodedInt64(),
        reader.Read7BitEncodedInt64(),
        reader.Read7BitEncodedInt64(),
        reader.Read7BitEncodedInt64(),
        reader.Read7BitEncodedInt64(),
        reader.Read7BitEncodedInt64(),
        reader.ReadDecimal());

    internal void WriteTo(BinaryWriter writer)
    {
        writer.Write(Time.Index);
        var c = Counts;
        writer.Write7BitEncodedInt64(c.Visitors);
        writer.Write7BitEncodedInt64(c.Discoveries);
        writer.Write7BitEncodedInt64(c.Engagements);
        writer.Write7BitEncodedInt64(c.Interactions);
        writer.Write7BitEncodedInt64(c.Conversions);
        writer.Write7BitEncodedInt64(c.DwellMs);
        writer.Write(c.ConversionValue);
        byte present = 0;
        for (var type = 0; type < HeatmapTypes.Count; type++)
        {
            present |= (byte)(_grids[type] is null ? 0 : 1 << type);
        }

        writer.Write(present);
        foreach (var grid in _grids)
        {
            grid?.WriteTo(writer);
        }
    }

    /// <summary>Only the time and counts of an encoded bucket: they come first, so its grids are never read.</summary>
    public static (TimeBucket Time, BucketCounts Counts) DecodeCounts(byte[] data)
    {
        using var reader = new BinaryReader(new MemoryStream(data));
        return (new TimeBucket(reader.ReadInt64()), ReadCounts(reader));
    }

    internal static Bucket ReadFrom(BinaryReader reader)
    {
        var bucket = new Bucket(new TimeBucket(reader.ReadInt64()))
        {
            Counts = ReadCounts(reader),
        };
        var present = reader.ReadByte();
        for (var type = 0; type < HeatmapTypes.Count; type++)
        {
            if ((present & (1 << type)) != 0)
            {
                bucket._grids[type] = IntensityGrid.ReadFrom(reader);
            }
        }

        return bucket;
    }
}
