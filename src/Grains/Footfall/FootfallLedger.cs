using System.Runtime.InteropServices;

namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// The live footfall state of one location: the tracks late events can still join, per-bucket counts and base
/// grids. Apply accepted batches in acknowledgement order; tracks follow event time, so events arriving within the
/// reorder window count the same whatever their order. Each call returns what it changed. Not thread-safe (a grain
/// owns one).
/// See README.md in this folder for the counting rules and the choices behind them.
/// </summary>
public sealed partial class FootfallLedger
{
    private const long NoTs = long.MinValue;
    private const long MaxDwellWeightMs = 5_000;

    private readonly TrackBook _tracks = new();
    private readonly Dictionary<long, Bucket> _buckets = [];
    private readonly BatchOrder _order = new();
    private readonly List<Bucket> _touched = [];
    private LocationRules _rules;
    private long _timeoutMs;
    private TrackRetention _retention;

    // Most events land in the current bucket, so the last one looked up is kept at hand.
    private Bucket? _recent;

    private long _newestTsMs = NoTs;
    private DateTimeOffset? _lastReceivedAt;
    private long _nextForgetMs = NoTs;
    private int _ended;
    private int _forgottenEarly;

    public FootfallLedger(LocationRules rules, TrackRetention? retention = null)
    {
        _rules = rules;
        _timeoutMs = rules.TrackTimeoutMs;
        _retention = retention ?? TrackRetention.Default;
    }

    /// <summary>How long and how many tracks are held for late events; a change applies from the next event on.</summary>
    public TrackRetention Retention
    {
        get => _retention;
        set => _retention = value;
    }

    /// <summary>The location's rules; a change (a PATCHed timeout) applies to events from then on.</summary>
    public LocationRules Rules
    {
        get => _rules;
        set
        {
            _rules = value;
            _timeoutMs = value.TrackTimeoutMs;
        }
    }

    /// <summary>Open tracks now.</summary>
    public int Occupancy => _tracks.OpenCount;

    /// <summary>Tracks (and track_end cuts) held so late events can still join them, open or not; tests observe it.</summary>
    internal int HeldTracks => _tracks.Count;

    /// <summary>The largest event ts accepted (the contract's <c>last-update</c>), null before any.</summary>
    public long? NewestTsMs => _newestTsMs == NoTs ? null : _newestTsMs;

    public DateTimeOffset? NewestTs => NewestTsMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>When, without further events, the open tracks end by silence: the time to call <see cref="ExpireIdle"/>.</summary>
    public DateTimeOffset? IdleExpiryDue =>
        _tracks.OpenCount > 0 && _lastReceivedAt is { } last ? last.AddSeconds(_rules.TrackTimeoutSeconds) : null;

    /// <summary>
    /// Applies one accepted batch. Events take effect in ts order, ties in batch order. <paramref name="wallClockNow"/>
    /// is when the batch was accepted: if the location was silent for the track timeout before it, every open track
    /// ends first. A replay must pass each batch's original acceptance time to reproduce the same state.
    /// </summary>
    public BatchEffect Apply(ReadOnlySpan<SensorEvent> batch, DateTimeOffset wallClockNow)
    {
        EndAllIfSilentSince(wallClockNow);
        if (batch.IsEmpty)
        {
            return Drain();
        }

        _lastReceivedAt = _lastReceivedAt is { } last && last > wallClockNow ? last : wallClockNow;
        if (BatchOrder.IsInTsOrder(batch))
        {
            foreach (ref readonly var e in batch)
            {
                ApplyOne(e);
            }
        }
        else
        {
            foreach (var i in _order.StableOrder(batch))
            {
                ApplyOne(batch[i]);
            }
        }

        return Drain();
    }

    /// <summary>
    /// Ends every open track when the location has received no events for the track timeout of wall-clock time
    /// (a quiet store empties). Tracks end for occupancy only: they are still held, and an event of theirs within
    /// the timeout (in event time) still joins them. No count changes.
    /// </summary>
    public BatchEffect ExpireIdle(DateTimeOffset wallClockNow)
    {
        EndAllIfSilentSince(wallClockNow);
        return Drain();
    }

    /// <summary>An id's open track, for tests that follow one visit (the grain only needs <see cref="Occupancy"/>).</summary>
    internal bool TryGetOpenTrack(string trackId, out Track track)
    {
        if (_tracks.TryFindLatest(trackId, out var slot) && _tracks[slot].IsOpen)
        {
            track = _tracks[slot].ToTrack();
            return true;
        }

        track = default;
        return false;
    }

    /// <summary>The open tracks, for tests that compare the ledger with a reference model.</summary>
    internal IReadOnlyList<Track> OpenTracks()
    {
        var tracks = new Track[_tracks.OpenCount];
        for (var index = 0; index < tracks.Length; index++)
        {
            tracks[index] = _tracks[_tracks.OpenSlot(index)].ToTrack();
        }

        return tracks;
    }

    private void ApplyOne(in SensorEvent e)
    {
        var ts = e.TsMs;
        if (ts > _newestTsMs)
        {
            _newestTsMs = ts;
            if (ts >= _nextForgetMs)
            {
                ForgetBeyondReorderWindow();
            }
        }

        // Occupancy: a track is open while the location's newest event ts has not passed last_seen + timeout.
        var cutoff = _newestTsMs - _timeoutMs;
        if (_tracks.MayHaveOpenLastSeenBefore(cutoff))
        {
            _ended += _tracks.CloseOpenLastSeenBefore(cutoff);
        }

        switch (e.Kind)
        {
            case SensorEventKind.Position:
            case SensorEventKind.Interaction:
                if (e.TrackId is { } id)
                {
                    ApplyTrackEvent(e, id);
                    KeepWithinCap();
                }

                break;
            case SensorEventKind.TrackEnd:
                if (e.TrackId is { } ended)
                {
                    ApplyCut(ended, ts);
                    KeepWithinCap();
                }

                break;
            case SensorEventKind.Conversion:
                Touch(TimeBucket.OfMs(ts).Index).AddConversion(e.Value);
                break;
        }
    }

    /// <summary>
    /// Puts a position or interaction event into its id's timeline: inside a track, or joining the tracks before
    /// and after it that lie within the timeout (no cut between) — extending one, merging two, or starting a new one.
    /// Whatever a track contributed before is replaced by what it contributes now, in the bucket of its first_seen.
    /// </summary>
    private void ApplyTrackEvent(in SensorEvent e, string id)
    {
        var ts = e.TsMs;
        var interaction = e.Kind == SensorEventKind.Interaction;
        if (!_tracks.TryFindLatest(id, out var latest))
        {
            var started = _tracks.Start(id, NewTrack(id, ts, interaction));
            AddContribution(_tracks[started]);
            OpenIfCurrent(started);
            AddSamples(e, 0);
            return;
        }

        // Walk back from the latest element to the first that is not after ts (almost always the latest itself).
        var later = HeldTrack.None;
        var slot = latest;
        while (slot != HeldTrack.None)
        {
            ref var element = ref _tracks[slot];
            if (element.IsCut ? ts > element.FirstMs : ts > element.LastMs)
            {
                break;
            }

            if (!element.IsCut && ts >= element.FirstMs)
            {
                Extend(slot, e, interaction);
                return;
            }

            later = slot;
            slot = element.Earlier;
        }

        var earlier = slot;
        var joinsEarlier = earlier != HeldTrack.None && !_tracks[earlier].IsCut && ts - _tracks[earlier].LastMs <= _timeoutMs;
        var joinsLater = later != HeldTrack.None && !_tracks[later].IsCut && _tracks[later].FirstMs - ts <= _timeoutMs;
        if (joinsEarlier && joinsLater)
        {
            Extend(Merge(earlier, later), e, interaction);
        }
        else if (joinsEarlier)
        {
            Extend(earlier, e, interaction);
        }
        else if (joinsLater)
        {
            Extend(later, e, interaction);
        }
        else
        {
            // Further than the timeout from every track of the id (or cut off from them): a visit of its own.
            var added = _tracks.Insert(NewTrack(id, ts, interaction), earlier, later);
            AddContribution(_tracks[added]);
            OpenIfCurrent(added);
            AddSamples(e, 0);
        }
    }

    private static HeldTrack NewTrack(string id, long ts, bool interaction) => new()
    {
        Id = id,
        FirstMs = ts,
        LastMs = ts,
        LastSampleMs = interaction ? HeldTrack.NoSample : ts,
        HasInteraction = interaction,
    };

    /// <summary>An event joins a track: its span, interaction flag and contribution follow, and so does occupancy.</summary>
    private void Extend(int slot, in SensorEvent e, bool interaction)
    {
        var ts = e.TsMs;
        ref var track = ref _tracks[slot];
        if (ts < track.FirstMs || ts > track.LastMs || (interaction && !track.HasInteraction))
        {
            var before = track.Contribution;
            var beforeBucket = track.BucketIndex;
            track.FirstMs = Math.Min(track.FirstMs, ts);
            track.LastMs = Math.Max(track.LastMs, ts);
            track.HasInteraction |= interaction;
            var after = track.Contribution;
            var afterBucket = track.BucketIndex;
            if (afterBucket == beforeBucket)
            {
                Touch(afterBucket).ChangeTrack(before, after);
            }
            else
            {
                // first_seen moved to an earlier bucket: the whole track moves there, as if it had been seen in order.
                Touch(beforeBucket).ChangeTrack(before, BucketCounts.Zero);
                Touch(afterBucket).ChangeTrack(BucketCounts.Zero, after);
            }
        }

        long dwellWeight = 0;
        if (!interaction)
        {
            // Measured from the track's newest sample; a sample that arrives after a newer one adds 0, so the
            // dwell-time grid never holds more time than the track spent.
            var previous = track.LastSampleMs;
            if (previous != HeldTrack.NoSample && ts > previous)
            {
                dwellWeight = Math.Min(MaxDwellWeightMs, ts - previous);
            }

            track.LastSampleMs = Math.Max(previous, ts);
        }

        OpenIfCurrent(slot);
        AddSamples(e, dwellWeight);
    }

    /// <summary>
    /// A late event bridges two tracks: they become one, kept in the earlier one's slot. Both contributions are
    /// retracted and the merged track's added; if the later one was open, the merged one is (occupancy unchanged).
    /// </summary>
    private int Merge(int earlier, int later)
    {
        RetractContribution(_tracks[earlier]);
        RetractContribution(_tracks[later]);
        ref var into = ref _tracks[earlier];
        ref var from = ref _tracks[later];
        into.LastMs = from.LastMs;
        into.HasInteraction |= from.HasInteraction;
        into.LastSampleMs = Math.Max(into.LastSampleMs, from.LastSampleMs);
        var wasOpen = from.IsOpen;
        var lastSlot = _tracks.Count - 1;
        _tracks.Remove(later);
        if (earlier == lastSlot)
        {
            earlier = later;
        }

        if (wasOpen)
        {
            _tracks.Open(earlier);
        }

        AddContribution(_tracks[earlier]);
        return earlier;
    }

    /// <summary>
    /// A track_end at ts: a cut in its id's timeline, so events at or before it and events after it never join one
    /// track. It ends the id's latest track (occupancy) when it lies after it. A cut that falls inside a track
    /// whose events on both sides have already arrived is dropped: the ledger does not keep single events to split it.
    /// </summary>
    private void ApplyCut(string id, long ts)
    {
        var cut = new HeldTrack { Id = id, FirstMs = ts, LastMs = ts, LastSampleMs = HeldTrack.NoSample, IsCut = true };
        if (!_tracks.TryFindLatest(id, out var latest))
        {
            _tracks.Start(id, cut);
            return;
        }

        var later = HeldTrack.None;
        var slot = latest;
        while (slot != HeldTrack.None)
        {
            ref var element = ref _tracks[slot];
            if (element.IsCut ? ts >= element.FirstMs : ts >= element.LastMs)
            {
                if (element.IsCut && ts == element.FirstMs)
                {
                    return;
                }

                break;
            }

            if (!element.IsCut && ts >= element.FirstMs)
            {
                return;
            }

            later = slot;
            slot = element.Earlier;
        }

        _tracks.Insert(cut, slot, later);
        if (later == HeldTrack.None && slot != HeldTrack.None && _tracks.Close(slot))
        {
            _ended++;
        }
    }

    /// <summary>A track counts toward occupancy when it is its id's latest element and has not timed out.</summary>
    private void OpenIfCurrent(int slot)
    {
        ref var track = ref _tracks[slot];
        if (track.Later == HeldTrack.None && track.LastMs >= _newestTsMs - _timeoutMs)
        {
            _tracks.Open(slot);
        }
    }

    private void AddContribution(in HeldTrack track) =>
        Touch(track.BucketIndex).ChangeTrack(BucketCounts.Zero, track.Contribution);

    private void RetractContribution(in HeldTrack track) =>
        Touch(track.BucketIndex).ChangeTrack(track.Contribution, BucketCounts.Zero);

    /// <summary>
    /// Forgets the tracks no event inside the reorder window can reach any more: their last ts is more than the
    /// window plus the timeout before the newest event. Runs when the newest ts passes a mark a quarter window on,
    /// so it depends on the events alone (a replay forgets at the same events) and sweeps rarely.
    /// </summary>
    private void ForgetBeyondReorderWindow()
    {
        var window = _retention.ReorderWindowMs;
        _ended += _tracks.ForgetLastBefore(_newestTsMs - window - _timeoutMs);
        _nextForgetMs = _newestTsMs + Math.Max(window / 4, _timeoutMs);
    }

    /// <summary>Past the cap, the oldest sixteenth of the held tracks (by last ts) is forgotten early, and counted.</summary>
    private void KeepWithinCap()
    {
        var cap = _retention.MaxHeldTracks;
        if (_tracks.Count <= cap)
        {
            return;
        }

        var before = _tracks.Count;
        _ended += _tracks.ForgetLastBefore(_tracks.OldestLastMs(cap / 16) + 1);
        _forgottenEarly += before - _tracks.Count;
    }

    private void AddSamples(in SensorEvent e, long dwellWeight)
    {
        var bucket = Touch(TimeBucket.OfMs(e.TsMs).Index);
        var x = IntensityGrid.CellOf(e.X);
        var y = IntensityGrid.CellOf(e.Y);
        if (e.Kind == SensorEventKind.Interaction)
        {
            bucket.AddSample(HeatmapType.Interactions, x, y, 1);
        }
        else
        {
            bucket.AddSample(HeatmapType.CustomerFlow, x, y, 1);
            bucket.AddSample(HeatmapType.DwellTime, x, y, dwellWeight);
        }
    }

    private void EndAllIfSilentSince(DateTimeOffset wallClockNow)
    {
        if (_tracks.OpenCount > 0 && _lastReceivedAt is { } last
            && wallClockNow - last >= TimeSpan.FromSeconds(_rules.TrackTimeoutSeconds))
        {
            _ended += _tracks.CloseAllOpen();
        }
    }

    /// <summary>The live bucket of an index, created on first use and listed among those this batch changed.</summary>
    private Bucket Touch(long index)
    {
        var bucket = _recent;
        if (bucket is null || bucket.Time.Index != index)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets, index, out _);
            bucket = entry ??= new Bucket(new TimeBucket(index));
            _recent = bucket;
        }

        if (!bucket.Touched)
        {
            bucket.Touched = true;
            _touched.Add(bucket);
        }

        return bucket;
    }

    private BatchEffect Drain()
    {
        var grids = new List<GridChange>(_touched.Count * HeatmapTypes.Count);
        if (_touched.Count > 1)
        {
            _touched.Sort(static (a, b) => a.Time.CompareTo(b.Time));
        }

        foreach (var bucket in _touched)
        {
            bucket.DrainChanges(grids);
        }

        _touched.Clear();
        var effect = new BatchEffect(grids, _ended, NewestTsMs, _forgottenEarly);
        _ended = 0;
        _forgottenEarly = 0;
        return effect;
    }
}
