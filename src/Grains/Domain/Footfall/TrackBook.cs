using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HeatmapSaas.Grains.Domain.Footfall;

/// <summary>The mutable state of one open track, kept in <see cref="TrackBook"/>'s array (no object per track).</summary>
internal struct OpenTrack
{
    public const long NoSample = long.MinValue;

    public string Id;
    public long FirstMs;
    public long LastMs;

    /// <summary>The newest position sample's ts, which the next sample's dwell-time weight is measured from.</summary>
    public long LastSampleMs;

    public bool HasInteraction;

    public readonly BucketCounts Contribution => BucketCounts.OfTrack(LastMs - FirstMs, HasInteraction);

    public readonly Track ToTrack() => new(Id, FirstMs, LastMs, HasInteraction);
}

/// <summary>
/// The open tracks of one location: an id index over a dense array, so ending a track is a swap and a sweep over
/// all of them touches contiguous memory. Ended tracks are forgotten — a track id seen again starts a new track.
/// </summary>
internal sealed class TrackBook
{
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private OpenTrack[] _tracks = new OpenTrack[16];
    private int _count;

    // A lower bound of every open track's last_seen. It is only lowered on the hot path and made exact by a sweep,
    // so "could anything have timed out?" is one comparison per event and a sweep runs only when it might.
    private long _lowestLastSeen = long.MaxValue;

    public int Count => _count;

    public ref OpenTrack this[int slot] => ref _tracks[slot];

    public bool TryFind(string id, out int slot) => _slots.TryGetValue(id, out slot);

    /// <summary>The slot of the open track with this id, opening one at <paramref name="tsMs"/> when there is none.</summary>
    public int FindOrOpen(string id, long tsMs, out bool opened)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_slots, id, out var exists);
        if (exists)
        {
            opened = false;
            return slot;
        }

        if (_count == _tracks.Length)
        {
            Array.Resize(ref _tracks, _count * 2);
        }

        slot = _count;
        _tracks[_count] = new OpenTrack
        {
            Id = id,
            FirstMs = tsMs,
            LastMs = tsMs,
            LastSampleMs = OpenTrack.NoSample,
        };
        _lowestLastSeen = Math.Min(_lowestLastSeen, tsMs);
        opened = true;
        return _count++;
    }

    /// <summary>Restores a track from a checkpoint.</summary>
    public void Restore(in OpenTrack track)
    {
        FindOrOpen(track.Id, track.LastMs, out var opened);
        if (!opened)
        {
            throw new InvalidDataException($"Track '{track.Id}' appears twice in a checkpoint.");
        }

        _tracks[_count - 1] = track;
    }

    public void Close(int slot)
    {
        _slots.Remove(_tracks[slot].Id);
        var last = --_count;
        if (slot != last)
        {
            _tracks[slot] = _tracks[last];
            _slots[_tracks[slot].Id] = slot;
        }

        // Drop the id string so a closed track holds no memory.
        _tracks[last] = default;
    }

    /// <summary>True when some open track may have last_seen before the cutoff; false means certainly none has.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayHaveLastSeenBefore(long cutoffMs) => _lowestLastSeen < cutoffMs;

    /// <summary>Ends every track whose last_seen is before the cutoff; returns how many ended.</summary>
    public int CloseLastSeenBefore(long cutoffMs)
    {
        var closed = 0;
        var lowest = long.MaxValue;
        for (var slot = 0; slot < _count;)
        {
            var last = _tracks[slot].LastMs;
            if (last < cutoffMs)
            {
                Close(slot);
                closed++;
            }
            else
            {
                lowest = Math.Min(lowest, last);
                slot++;
            }
        }

        _lowestLastSeen = lowest;
        return closed;
    }

    public int CloseAll()
    {
        var closed = _count;
        Array.Clear(_tracks, 0, _count);
        _slots.Clear();
        _count = 0;
        _lowestLastSeen = long.MaxValue;
        return closed;
    }

    /// <summary>Adds the first-seen bucket of every open track: buckets whose counts can still change.</summary>
    public void AddFirstSeenBuckets(HashSet<long> buckets)
    {
        for (var slot = 0; slot < _count; slot++)
        {
            buckets.Add(TimeBucket.OfMs(_tracks[slot].FirstMs).Index);
        }
    }
}
