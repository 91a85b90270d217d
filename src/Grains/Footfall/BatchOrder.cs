namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// The order a batch takes effect in: by ts, ties in batch order. Gateways mostly send batches already in order,
/// so that is checked first; otherwise indices are sorted in buffers reused across batches (no per-batch garbage).
/// </summary>
internal sealed class BatchOrder
{
    private long[] _keys = [];
    private int[] _indices = [];

    public static bool IsInTsOrder(ReadOnlySpan<SensorEvent> batch)
    {
        for (var i = 1; i < batch.Length; i++)
        {
            if (batch[i].TsMs < batch[i - 1].TsMs)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Indices into <paramref name="batch"/> in stable ts order; valid until the next call.</summary>
    public ReadOnlySpan<int> StableOrder(ReadOnlySpan<SensorEvent> batch)
    {
        var n = batch.Length;
        if (_keys.Length < n)
        {
            _keys = new long[Math.Max(n, _keys.Length * 2)];
            _indices = new int[_keys.Length];
        }

        var keys = _keys.AsSpan(0, n);
        var indices = _indices.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            keys[i] = batch[i].TsMs;
            indices[i] = i;
        }

        // The primitive-key sort needs no comparer delegate but is not stable; equal keys are put back in batch
        // order afterwards, run by run.
        keys.Sort(indices);
        for (var start = 0; start < n;)
        {
            var end = start + 1;
            while (end < n && keys[end] == keys[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                indices[start..end].Sort();
            }

            start = end;
        }

        return indices;
    }
}
