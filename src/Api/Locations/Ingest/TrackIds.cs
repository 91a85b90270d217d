using System.Text.Json;

namespace HeatmapSaas.Api.Locations.Ingest;

/// <summary>
/// Recently read track ids by their UTF-8 bytes, per thread: a batch names each person in it dozens of times, and
/// one string per person instead of one per event is most of what reading a batch allocates. A small
/// direct-mapped table; a miss reads the string as before and takes the slot.
/// </summary>
internal static class TrackIds
{
    private const int Slots = 256;
    private const int MaxCachedBytes = 64;

    [ThreadStatic]
    private static byte[]?[]? t_keys;

    [ThreadStatic]
    private static string?[]? t_values;

    /// <summary>The current string token's value.</summary>
    public static string Read(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > MaxCachedBytes)
        {
            return reader.GetString()!;
        }

        var utf8 = reader.ValueSpan;
        var hash = new HashCode();
        hash.AddBytes(utf8);
        var slot = hash.ToHashCode() & (Slots - 1);
        var keys = t_keys ??= new byte[Slots][];
        var values = t_values ??= new string[Slots];
        if (keys[slot] is { } known && utf8.SequenceEqual(known))
        {
            return values[slot]!;
        }

        var value = reader.GetString()!;
        keys[slot] = utf8.ToArray();
        values[slot] = value;
        return value;
    }
}
