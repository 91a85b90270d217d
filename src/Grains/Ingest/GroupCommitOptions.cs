namespace HeatmapSaas.Grains.Ingest;

/// <summary>
/// <c>Heatmap:Postgres:GroupCommit</c>: how the silo's ingest log gathers appends from many locations into one
/// transaction (see <see cref="GroupCommitWriter"/>). The defaults were measured, not guessed (bench/README.md,
/// "Fleet").
/// </summary>
public sealed class GroupCommitOptions
{
    /// <summary>A group commits once this many appends have gathered…</summary>
    public int MaxAppends { get; set; } = 128;

    /// <summary>…or this long after its first append arrived (zero: as soon as a transaction slot is free).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Group transactions committing at once: while these wait for the disk, the next group gathers.</summary>
    public int MaxInFlight { get; set; } = 2;
}
