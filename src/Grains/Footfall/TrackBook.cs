using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// One element of a track id's timeline, kept in <see cref="TrackBook"/>'s array (no object per track): a track (a
/// run of the id's position and interaction events) or a cut (a <c>track_end</c> lying between two runs).
/// </summary>
internal struct HeldTrack
{
    public const long NoSample = long.MinValue;
    public const int None = -1;

    public string Id;
    public long FirstMs;
    public long LastMs;

    /// <summary>The newest position sample's ts, which the next sample's dwell-time weight is measured from.</summary>
    public long LastSampleMs;

    public bool HasInteraction;

    /// <summary>A cut at <see cref="FirstMs"/> (= <see cref="LastMs"/>): events at or before it and after it never join.</summary>
    public bool IsCut;

    /// <summary>The slot of the id's previous (earlier) and next (later) element, or <see cref="None"/>.</summary>
    public int Earlier;
    public int Later;

    /// <summary>Where this track is in the open list (occupancy), or <see cref="None"/>.</summary>
    public int OpenIndex;

    public readonly bool IsOpen => OpenIndex != None;

    public readonly BucketCounts Contribution => BucketCounts.OfTrack(LastMs - FirstMs, HasInteraction);

    public readonly long BucketIndex => TimeBucket.OfMs(FirstMs).Index;

    public readonly Track ToTrack() => new(Id, FirstMs, LastMs, HasInteraction);
}

/// <summary>
/// The tracks a location still holds: every track and cut that a late event could still join, extend or split, as a
/// time-ordered chain per track id over one dense array (ending or forgetting one is a swap), plus the list of the
/// open ones (occupancy). The id index points at the id's latest element; almost every event lands there.
/// </summary>
internal sealed class TrackBook
{
    private readonly Dictionary<string, int> _latest = new(StringComparer.Ordinal);
    private HeldTrack[] _held = new HeldTrack[16];
    private int _count;
    private int[] _open = new int[16];
    private int _openCount;
    private long[] _sortBuffer = [];

    // A lower bound of every open track's last_seen. It is only lowered on the hot path and made exact by a sweep,
    // so "could anything have timed out?" is one comparison per event and a sweep runs only when it might.
    private long _lowestOpenLast = long.MaxValue;

    /// <summary>Tracks and cuts held.</summary>
    public int Count => _count;

    /// <summary>Open tracks: the occupancy.</summary>
    public int OpenCount => _openCount;

    public ref HeldTrack this[int slot] => ref _held[slot];

    public int OpenSlot(int index) => _open[index];

    /// <summary>The id's latest element, if it holds any.</summary>
    public bool TryFindLatest(string id, out int slot) => _latest.TryGetValue(id, out slot);

    /// <summary>Adds an element to the id's chain right after <paramref name="earlier"/> (None: at its start).</summary>
    public int Insert(in HeldTrack element, int earlier, int later)
    {
        if (_count == _held.Length)
        {
            Array.Resize(ref _held, _count * 2);
        }

        var slot = _count++;
        ref var added = ref _held[slot];
        added = element;
        added.Earlier = earlier;
        added.Later = later;
        added.OpenIndex = HeldTrack.None;
        if (earlier != HeldTrack.None)
        {
            _held[earlier].Later = slot;
        }

        if (later != HeldTrack.None)
        {
            _held[later].Earlier = slot;
        }
        else
        {
            _latest[element.Id] = slot;
        }

        return slot;
    }

    /// <summary>Adds the first element of an id that holds none (the hot path's new track).</summary>
    public int Start(string id, in HeldTrack element)
    {
        ref var latest = ref CollectionsMarshal.GetValueRefOrAddDefault(_latest, id, out _);
        if (_count == _held.Length)
        {
            Array.Resize(ref _held, _count * 2);
        }

        latest = _count;
        ref var added = ref _held[_count];
        added = element;
        added.Earlier = HeldTrack.None;
        added.Later = HeldTrack.None;
        added.OpenIndex = HeldTrack.None;
        return _count++;
    }

    /// <summary>Takes an element out of its chain and forgets it (closing it first if open).</summary>
    public void Remove(int slot)
    {
        Close(slot);
        ref var gone = ref _held[slot];
        if (gone.Earlier != HeldTrack.None)
        {
            _held[gone.Earlier].Later = gone.Later;
        }

        if (gone.Later != HeldTrack.None)
        {
            _held[gone.Later].Earlier = gone.Earlier;
        }
        else if (gone.Earlier != HeldTrack.None)
        {
            _latest[gone.Id] = gone.Earlier;
        }
        else
        {
            _latest.Remove(gone.Id);
        }

        var last = --_count;
        if (slot != last)
        {
            // The last element moves into the hole: whoever pointed at it points at its new slot.
            ref var moved = ref _held[slot];
            moved = _held[last];
            if (moved.Earlier != HeldTrack.None)
            {
                _held[moved.Earlier].Later = slot;
            }

            if (moved.Later != HeldTrack.None)
            {
                _held[moved.Later].Earlier = slot;
            }
            else
            {
                _latest[moved.Id] = slot;
            }

            if (moved.OpenIndex != HeldTrack.None)
            {
                _open[moved.OpenIndex] = slot;
            }
        }

        // Drop the id string so a forgotten track holds no memory.
        _held[last] = default;
    }

    /// <summary>Counts a held track toward occupancy; false when it already was.</summary>
    public bool Open(int slot)
    {
        ref var track = ref _held[slot];
        if (track.OpenIndex != HeldTrack.None)
        {
            return false;
        }

        if (_openCount == _open.Length)
        {
            Array.Resize(ref _open, _openCount * 2);
        }

        track.OpenIndex = _openCount;
        _open[_openCount++] = slot;
        _lowestOpenLast = Math.Min(_lowestOpenLast, track.LastMs);
        return true;
    }

    /// <summary>Ends a track for occupancy (it stays held for counting); false when it was not open.</summary>
    public bool Close(int slot)
    {
        ref var track = ref _held[slot];
        var index = track.OpenIndex;
        if (index == HeldTrack.None)
        {
            return false;
        }

        track.OpenIndex = HeldTrack.None;
        var last = --_openCount;
        if (index != last)
        {
            _open[index] = _open[last];
            _held[_open[index]].OpenIndex = index;
        }

        return true;
    }

    /// <summary>True when some open track may have last_seen before the cutoff; false means certainly none has.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayHaveOpenLastSeenBefore(long cutoffMs) => _lowestOpenLast < cutoffMs;

    /// <summary>Ends (for occupancy) every open track whose last_seen is before the cutoff; returns how many ended.</summary>
    public int CloseOpenLastSeenBefore(long cutoffMs)
    {
        var closed = 0;
        var lowest = long.MaxValue;
        for (var index = 0; index < _openCount;)
        {
            var slot = _open[index];
            var last = _held[slot].LastMs;
            if (last < cutoffMs)
            {
                Close(slot);
                closed++;
            }
            else
            {
                lowest = Math.Min(lowest, last);
                index++;
            }
        }

        _lowestOpenLast = lowest;
        return closed;
    }

    /// <summary>Ends every open track for occupancy (a quiet store); they stay held for counting.</summary>
    public int CloseAllOpen()
    {
        var closed = _openCount;
        for (var index = 0; index < _openCount; index++)
        {
            _held[_open[index]].OpenIndex = HeldTrack.None;
        }

        _openCount = 0;
        _lowestOpenLast = long.MaxValue;
        return closed;
    }

    /// <summary>Forgets every element whose last ts is before the cutoff; returns how many open ones that ended.</summary>
    public int ForgetLastBefore(long cutoffMs)
    {
        var ended = 0;
        for (var slot = 0; slot < _count;)
        {
            if (_held[slot].LastMs < cutoffMs)
            {
                ended += _held[slot].IsOpen ? 1 : 0;
                Remove(slot);
            }
            else
            {
                slot++;
            }
        }

        return ended;
    }

    /// <summary>
    /// The last ts at or below which the oldest <paramref name="atLeast"/> elements lie: what forgetting that many of
    /// the oldest takes (ties may forget a few more).
    /// </summary>
    public long OldestLastMs(int atLeast)
    {
        if (_sortBuffer.Length < _count)
        {
            _sortBuffer = new long[_held.Length];
        }

        var lasts = _sortBuffer.AsSpan(0, _count);
        for (var slot = 0; slot < _count; slot++)
        {
            lasts[slot] = _held[slot].LastMs;
        }

        lasts.Sort();
        return lasts[Math.Clamp(atLeast, 1, _count) - 1];
    }

    /// <summary>
    /// Adds the first-seen bucket of every open track: buckets whose counts are still changing. (A late event can
    /// still change a held track that is not open; its change then comes back as an increment, like any late event.)
    /// </summary>
    public void AddFirstSeenBuckets(HashSet<long> buckets)
    {
        for (var index = 0; index < _openCount; index++)
        {
            buckets.Add(_held[_open[index]].BucketIndex);
        }
    }

    /// <summary>Restores an element from a checkpoint, at the next slot, with its chain links as written.</summary>
    public void Restore(in HeldTrack element, bool open)
    {
        if (_count == _held.Length)
        {
            Array.Resize(ref _held, _count * 2);
        }

        var slot = _count++;
        _held[slot] = element;
        _held[slot].OpenIndex = HeldTrack.None;
        if (element.Later == HeldTrack.None && !_latest.TryAdd(element.Id, slot))
        {
            throw new InvalidDataException($"Track '{element.Id}' has two latest elements in a checkpoint.");
        }

        if (open)
        {
            Open(slot);
        }
    }

    /// <summary>After restoring: every chain link points at an element of the same id, both ways.</summary>
    public void CheckRestoredChains()
    {
        for (var slot = 0; slot < _count; slot++)
        {
            ref var element = ref _held[slot];
            if (element.Earlier != HeldTrack.None
                && ((uint)element.Earlier >= (uint)_count || _held[element.Earlier].Later != slot || _held[element.Earlier].Id != element.Id))
            {
                throw new InvalidDataException($"Track '{element.Id}' has a broken chain in a checkpoint.");
            }

            if (element.Later != HeldTrack.None && ((uint)element.Later >= (uint)_count || _held[element.Later].Earlier != slot))
            {
                throw new InvalidDataException($"Track '{element.Id}' has a broken chain in a checkpoint.");
            }
        }
    }
}
