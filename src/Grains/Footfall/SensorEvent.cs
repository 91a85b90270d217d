namespace HeatmapSaas.Grains.Footfall;

/// <summary>What a gateway saw. Only <see cref="Position"/> and <see cref="Interaction"/> open or extend a track.</summary>
public enum SensorEventKind : byte
{
    Position,
    Interaction,
    TrackEnd,
    Conversion,
}

/// <summary>
/// One accepted sensor event, already validated by the caller (kind, required fields, floor bounds, age).
/// Time is unix milliseconds: the hot path compares and subtracts it without conversions, and the millisecond is
/// the resolution of every count (dwell boundaries, dwell-time weights); finer fractions are floored.
/// </summary>
public readonly record struct SensorEvent(
    SensorEventKind Kind,
    string? TrackId,
    long TsMs,
    double X = 0,
    double Y = 0,
    decimal Value = 0);
