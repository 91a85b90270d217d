namespace HeatmapSaas.Grains.Domain.Footfall;

/// <summary>
/// Checkpoints: a compact binary image of the whole ledger, led by a format version byte so a newer build can
/// still read an older checkpoint (and an older build refuses a newer one instead of misreading it). Rules are not
/// part of the image: they belong to the location's configuration and are passed in when reading.
/// </summary>
public sealed partial class FootfallLedger
{
    public const byte SnapshotVersion = 1;

    [Flags]
    private enum TrackFlags : byte
    {
        None = 0,
        Interacted = 1,
        Sampled = 2,
    }

    /// <summary>Writes the ledger between batches. The same state always writes the same bytes.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(SnapshotVersion);
        writer.Write(_newestTsMs);
        writer.Write(_lastReceivedAt is { } received ? received.UtcTicks : 0L);

        writer.Write7BitEncodedInt(_tracks.Count);
        for (var slot = 0; slot < _tracks.Count; slot++)
        {
            ref var track = ref _tracks[slot];
            var flags = (track.HasInteraction ? TrackFlags.Interacted : TrackFlags.None)
                        | (track.LastSampleMs != OpenTrack.NoSample ? TrackFlags.Sampled : TrackFlags.None);
            writer.Write(track.Id);
            writer.Write(track.FirstMs);
            writer.Write7BitEncodedInt64(track.LastMs - track.FirstMs);
            writer.Write((byte)flags);
            if ((flags & TrackFlags.Sampled) != 0)
            {
                writer.Write7BitEncodedInt64(track.LastSampleMs - track.FirstMs);
            }
        }

        var buckets = LiveBuckets();
        writer.Write7BitEncodedInt(buckets.Count);
        foreach (var bucket in buckets)
        {
            bucket.WriteTo(writer);
        }
    }

    public static FootfallLedger ReadFrom(BinaryReader reader, LocationRules rules)
    {
        var version = reader.ReadByte();
        if (version != SnapshotVersion)
        {
            throw new InvalidDataException($"Unknown footfall checkpoint version {version}.");
        }

        var ledger = new FootfallLedger(rules)
        {
            _newestTsMs = reader.ReadInt64(),
        };
        var receivedTicks = reader.ReadInt64();
        ledger._lastReceivedAt = receivedTicks == 0 ? null : new DateTimeOffset(receivedTicks, TimeSpan.Zero);

        var tracks = reader.Read7BitEncodedInt();
        for (var i = 0; i < tracks; i++)
        {
            var id = reader.ReadString();
            var first = reader.ReadInt64();
            var last = first + reader.Read7BitEncodedInt64();
            var flags = (TrackFlags)reader.ReadByte();
            var lastSample = (flags & TrackFlags.Sampled) != 0 ? first + reader.Read7BitEncodedInt64() : OpenTrack.NoSample;
            ledger._tracks.Restore(new OpenTrack
            {
                Id = id,
                FirstMs = first,
                LastMs = last,
                LastSampleMs = lastSample,
                HasInteraction = (flags & TrackFlags.Interacted) != 0,
            });
        }

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
