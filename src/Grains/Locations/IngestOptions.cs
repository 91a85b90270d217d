namespace HeatmapSaas.Grains.Locations;

/// <summary><c>Heatmap:Ingest</c> settings.</summary>
public sealed class IngestOptions
{
    /// <summary>The late-arrival horizon, and how long batch ids are remembered.</summary>
    public TimeSpan MaxEventAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How far ahead of the server clock an event's ts may be.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Per location; a batch over it is refused whole.</summary>
    public int MaxEventsPerSecond { get; set; } = 100_000;

    /// <summary>
    /// A checkpoint is written after this many batches, or <see cref="CheckpointInterval"/> after the last one when
    /// anything waits, whichever first (see <see cref="CheckpointCadence"/>): a crash replays at most this much.
    /// </summary>
    public int CheckpointEveryBatches { get; set; } = 100;

    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Each round's thresholds are drawn up to this share below the settings, spreading stores' writes in time.</summary>
    public double CheckpointJitter { get; set; } = 0.2;

    /// <summary>How often a checkpoint also runs the log's cleaner (which deletes only rows past <see cref="MaxEventAge"/>).</summary>
    public TimeSpan LogCleanInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gateways a location remembers (<c>/gateways</c>); past it the least recently seen is forgotten.</summary>
    public int MaxGateways { get; set; } = 1_000;

    /// <summary>A gateway unseen for this long is forgotten.</summary>
    public TimeSpan GatewayRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Events that arrive within this of the location's newest event join the tracks they belong to in event time,
    /// whatever their arrival order; tracks further back are forgotten (their counts stay).
    /// </summary>
    public TimeSpan ReorderWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The most tracks a location holds (open, or still inside the reorder window); past it the oldest are forgotten early.</summary>
    public int MaxTracksPerLocation { get; set; } = 50_000;
}
