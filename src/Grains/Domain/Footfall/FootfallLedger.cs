using System.Runtime.InteropServices;

namespace HeatmapSaas.Grains.Domain.Footfall;

/// <summary>
/// The live footfall state of one location: open tracks, per-bucket counts and base grids. Apply accepted batches
/// in acknowledgement order; each call returns what it changed. Not thread-safe (a grain owns one).
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

    // Most events land in the current bucket, so the last one looked up is kept at hand.
    private Bucket? _recent;

    private long _newestTsMs = NoTs;
    private DateTimeOffset? _lastReceivedAt;
    private int _started;
    private int _ended;

    public FootfallLedger(LocationRules rules)
    {
        _rules = rules;
        _timeoutMs = rules.TrackTimeoutMs;
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
    public int Occupancy => _tracks.Count;

    /// <summary>The largest event ts accepted (the contract's <c>last-update</c>), null before any.</summary>
    public long? NewestTsMs => _newestTsMs == NoTs ? null : _newestTsMs;

    public DateTimeOffset? NewestTs => NewestTsMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    /// <summary>The wall-clock time the last non-empty batch was applied at.</summary>
    public DateTimeOffset? LastReceivedAt => _lastReceivedAt;

    /// <summary>When, without further events, the open tracks end by silence: the time to call <see cref="ExpireIdle"/>.</summary>
    public DateTimeOffset? IdleExpiryDue =>
        _tracks.Count > 0 && _lastReceivedAt is { } last ? last.AddSeconds(_rules.TrackTimeoutSeconds) : null;

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
            return Drain(0);
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

        return Drain(batch.Length);
    }

    /// <summary>
    /// Ends every open track when the location has received no events for the track timeout of wall-clock time
    /// (a quiet store empties). Only tracks end; no count changes.
    /// </summary>
    public BatchEffect ExpireIdle(DateTimeOffset wallClockNow)
    {
        EndAllIfSilentSince(wallClockNow);
        return Drain(0);
    }

    public bool TryGetOpenTrack(string trackId, out Track track)
    {
        if (_tracks.TryFind(trackId, out var slot))
        {
            track = _tracks[slot].ToTrack();
            return true;
        }

        track = default;
        return false;
    }

    public IReadOnlyList<Track> OpenTracks()
    {
        var tracks = new Track[_tracks.Count];
        for (var slot = 0; slot < tracks.Length; slot++)
        {
            tracks[slot] = _tracks[slot].ToTrack();
        }

        return tracks;
    }

    private void ApplyOne(in SensorEvent e)
    {
        var ts = e.TsMs;
        if (ts > _newestTsMs)
        {
            _newestTsMs = ts;
        }

        // "The location's newest event ts passes last_seen + timeout": judged at every event as it takes effect,
        // so a late batch from a gateway that was offline does not end tracks that later events kept alive.
        var cutoff = ts - _timeoutMs;
        if (_tracks.MayHaveLastSeenBefore(cutoff))
        {
            _ended += _tracks.CloseLastSeenBefore(cutoff);
        }

        switch (e.Kind)
        {
            case SensorEventKind.Position:
            case SensorEventKind.Interaction:
                if (e.TrackId is { } id)
                {
                    ApplyTrackEvent(e, id);
                }

                break;
            case SensorEventKind.TrackEnd:
                if (e.TrackId is { } ended && _tracks.TryFind(ended, out var slot))
                {
                    _tracks.Close(slot);
                    _ended++;
                }

                break;
            case SensorEventKind.Conversion:
                Touch(TimeBucket.OfMs(ts).Index).AddConversion(e.Value);
                break;
        }
    }

    private void ApplyTrackEvent(in SensorEvent e, string id)
    {
        var ts = e.TsMs;
        var interaction = e.Kind == SensorEventKind.Interaction;
        var slot = _tracks.FindOrOpen(id, ts, out var opened);
        ref var track = ref _tracks[slot];
        long dwellWeight = 0;
        if (opened)
        {
            _started++;
            track.HasInteraction = interaction;
            Touch(TimeBucket.OfMs(ts).Index).ChangeTrack(BucketCounts.Zero, track.Contribution);
        }
        else if (ts < track.FirstMs - _timeoutMs)
        {
            // Earlier than the open track by more than the timeout: in ts order this event was a visit of its own
            // that had ended before the open one began. Count it as such and leave the open track alone.
            Touch(TimeBucket.OfMs(ts).Index).ChangeTrack(BucketCounts.Zero, BucketCounts.OfTrack(0, interaction));
            AddSamples(e, 0);
            return;
        }
        else if (ts < track.FirstMs || ts > track.LastMs || (interaction && !track.HasInteraction))
        {
            var before = track.Contribution;
            var beforeBucket = TimeBucket.OfMs(track.FirstMs).Index;
            track.FirstMs = Math.Min(track.FirstMs, ts);
            track.LastMs = Math.Max(track.LastMs, ts);
            track.HasInteraction |= interaction;
            var after = track.Contribution;
            var afterBucket = TimeBucket.OfMs(track.FirstMs).Index;
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

        if (!interaction)
        {
            // Measured from the track's newest sample; a sample that arrives after a newer one adds 0, so the
            // dwell-time grid never holds more time than the track spent.
            var previous = track.LastSampleMs;
            if (previous != OpenTrack.NoSample && ts > previous)
            {
                dwellWeight = Math.Min(MaxDwellWeightMs, ts - previous);
            }

            track.LastSampleMs = Math.Max(previous, ts);
        }

        AddSamples(e, dwellWeight);
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
        if (_tracks.Count > 0 && _lastReceivedAt is { } last
            && wallClockNow - last >= TimeSpan.FromSeconds(_rules.TrackTimeoutSeconds))
        {
            _ended += _tracks.CloseAll();
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

    private BatchEffect Drain(int events)
    {
        var counts = new List<CountsChange>(_touched.Count);
        var grids = new List<GridChange>(_touched.Count * HeatmapTypes.Count);
        if (_touched.Count > 1)
        {
            _touched.Sort(static (a, b) => a.Time.CompareTo(b.Time));
        }

        foreach (var bucket in _touched)
        {
            bucket.DrainChanges(counts, grids);
        }

        _touched.Clear();
        var effect = new BatchEffect(counts, grids, events, _started, _ended, _tracks.Count, NewestTsMs);
        _started = 0;
        _ended = 0;
        return effect;
    }
}
