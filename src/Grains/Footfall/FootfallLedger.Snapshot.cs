namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// Checkpoints: a compact binary image of the whole ledger, led by a format version byte so a newer build can
/// still read an older checkpoint (and an older build refuses a newer one instead of misreading it). Rules are not
/// part of the image: they belong to the location's configuration and are passed in when reading.
/// </summary>
public sealed partial class FootfallLedger
{
    /// <summary>2: every held track and cut with its chain link and open flag, and the next forgetting mark.</summary>
    public const byte SnapshotVersion = 2;

    private const byte OpenTracksVersion = 1;

    [Flags]
    private enum TrackFlags : byte
    {
        None = 0,
        Interacted = 1,
        Sampled = 2,
        Open = 4,
        Cut = 8,
    }

    /// <summary>Writes the ledger between batches. The same state always writes the same bytes.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(SnapshotVersion);
        writer.Write(_newestTsMs);
        writer.Write(_lastReceivedAt is { } received ? received.UtcTicks : 0L);
        writer.Write(_nextForgetMs);

        // In slot order, so a restored ledger forgets and swaps exactly as this one would have.
        writer.Write7BitEncodedInt(_tracks.Count);
        for (var slot = 0; slot < _tracks.Count; slot++)
        {
            ref var track = ref _tracks[slot];
            var flags = (track.HasInteraction ? TrackFlags.Interacted : TrackFlags.None)
                        | (track.LastSampleMs != HeldTrack.NoSample ? TrackFlags.Sampled : TrackFlags.None)
                        | (track.IsOpen ? TrackFlags.Open : TrackFlags.None)
                        | (track.IsCut ? TrackFlags.Cut : TrackFlags.None);
            writer.Write(track.Id);
            writer.Write(track.FirstMs);
            writer.Write7BitEncodedInt64(track.LastMs - track.FirstMs);
            writer.Write((byte)flags);
            if ((flags & TrackFlags.Sampled) != 0)
            {
                writer.Write7BitEncodedInt64(track.LastSampleMs - track.FirstMs);
            }

            writer.Write7BitEncodedInt(track.Earlier + 1);
            writer.Write7BitEncodedInt(track.Later + 1);
        }

        var buckets = LiveBuckets();
        writer.Write7BitEncodedInt(buckets.Count);
        foreach (var bucket in buckets)
        {
            bucket.WriteTo(writer);
        }
    }

    public static FootfallLedger ReadFrom(BinaryReader reader, LocationRules rules, TrackRetention? retention = null)
    {
        var version = reader.ReadByte();
        if (version is not (SnapshotVersion or OpenTracksVersion))
        {
            throw new InvalidDataException($"Unknown footfall checkpoint version {version}.");
        }

        var ledger = new FootfallLedger(rules, retention)
        {
            _newestTsMs = reader.ReadInt64(),
        };
        var receivedTicks = reader.ReadInt64();
        ledger._lastReceivedAt = receivedTicks == 0 ? null : new DateTimeOffset(receivedTicks, TimeSpan.Zero);
        var chained = version == SnapshotVersion;
        if (chained)
        {
            ledger._nextForgetMs = reader.ReadInt64();
        }

        var tracks = reader.Read7BitEncodedInt();
        for (var i = 0; i < tracks; i++)
        {
            var id = reader.ReadString();
            var first = reader.ReadInt64();
            var last = first + reader.Read7BitEncodedInt64();
            var flags = (TrackFlags)reader.ReadByte();
            var lastSample = (flags & TrackFlags.Sampled) != 0 ? first + reader.Read7BitEncodedInt64() : HeldTrack.NoSample;

            // Version 1 held only open tracks, one per id.
            var earlier = chained ? reader.Read7BitEncodedInt() - 1 : HeldTrack.None;
            var later = chained ? reader.Read7BitEncodedInt() - 1 : HeldTrack.None;
            ledger._tracks.Restore(new HeldTrack
            {
                Id = id,
                FirstMs = first,
                LastMs = last,
                LastSampleMs = lastSample,
                HasInteraction = (flags & TrackFlags.Interacted) != 0,
                IsCut = (flags & TrackFlags.Cut) != 0,
                Earlier = earlier,
                Later = later,
            }, open: !chained || (flags & TrackFlags.Open) != 0);
        }

        ledger._tracks.CheckRestoredChains();

        var buckets = reader.Read7BitEncodedInt();
        for (var i = 0; i < buckets; i++)
        {
            var bucket = Bucket.ReadFrom(reader);
            if (!ledger._buckets.TryAdd(bucket.Time.Index, bucket))
            {
                throw new InvalidDataException($"Bucket {bucket.Time} appears twice in a checkpoint.");
            }
        }

        return ledger;
    }
}
