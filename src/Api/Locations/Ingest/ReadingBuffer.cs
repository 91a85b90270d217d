using System.Buffers;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Api.Locations.Ingest;

/// <summary>
/// The readings of a batch while it is parsed, in a pooled array: the batch then keeps one array of exactly its
/// size, instead of a list's doubling copies plus that array.
/// </summary>
internal sealed class ReadingBuffer : IDisposable
{
    private SensorReading[] _items = ArrayPool<SensorReading>.Shared.Rent(1_024);

    public int Count { get; private set; }

    public void Add(in SensorReading reading)
    {
        if (Count == _items.Length)
        {
            var larger = ArrayPool<SensorReading>.Shared.Rent(_items.Length * 2);
            _items.AsSpan(0, Count).CopyTo(larger);
            Return();
            _items = larger;
        }

        _items[Count++] = reading;
    }

    public SensorReading[] ToArray() => _items.AsSpan(0, Count).ToArray();

    public void Dispose() => Return();

    // Cleared on return, the readings hold strings the pool should not keep alive; only the used part, since the
    // rest was never written (the whole 1,024-slot array is 56 KB to clear for a gateway's 20 events).
    private void Return()
    {
        _items.AsSpan(0, Count).Clear();
        ArrayPool<SensorReading>.Shared.Return(_items);
    }
}
