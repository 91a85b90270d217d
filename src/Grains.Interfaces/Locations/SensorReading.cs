namespace HeatmapSaas.Locations;

public enum ReadingKind : byte
{
    Position,
    Interaction,
    TrackEnd,
    Conversion,
}

/// <summary>
/// One sensor event as it crosses from the API to the location grain: parsed, field-checked, not yet checked
/// against the floor plan or the clock. <see cref="Index"/> is its 0-based position in the gateway's batch.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct SensorReading(
    [property: Id(0)] int Index,
    [property: Id(1)] ReadingKind Kind,
    [property: Id(2)] string? TrackId,
    [property: Id(3)] long TsMillis,
    [property: Id(4)] double X,
    [property: Id(5)] double Y,
    [property: Id(6)] double Value,
    [property: Id(7)] string? ProductId);

/// <summary>Why one event of a batch was not counted (the contract's per-event codes).</summary>
[GenerateSerializer, Immutable]
public sealed record IngestError(
    [property: Id(0)] int Index,
    [property: Id(1)] string Code,
    [property: Id(2)] string Message)
{
    public const string MissingField = "missing_field";
    public const string UnknownType = "unknown_type";
    public const string OutOfBounds = "out_of_bounds";
    public const string TsInFuture = "ts_in_future";
    public const string TsTooOld = "ts_too_old";
    public const string InvalidValue = "invalid_value";
}

/// <summary>A gateway's batch after parsing: the well-formed readings and the events refused while parsing.</summary>
[GenerateSerializer, Immutable]
public sealed record SensorBatch(
    [property: Id(0)] string BatchId,
    [property: Id(1)] string? GatewayId,
    [property: Id(2)] SensorReading[] Readings,
    [property: Id(3)] IngestError[] ParseErrors)
{
    public int EventCount => Readings.Length + ParseErrors.Length;
}

/// <summary>The 202 body: what the location did with a batch. A duplicate repeats the first answer's counts.</summary>
[GenerateSerializer, Immutable]
public sealed record IngestReceipt(
    [property: Id(0)] string BatchId,
    [property: Id(1)] int Accepted,
    [property: Id(2)] int Rejected,
    [property: Id(3)] bool Duplicate,
    [property: Id(4)] IngestError[] Errors)
{
    public const int MaxErrors = 100;
}
