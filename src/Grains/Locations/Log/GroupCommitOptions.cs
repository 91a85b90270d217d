namespace HeatmapSaas.Grains.Locations.Log;

/// <summary>
/// <c>Heatmap:Postgres:GroupCommit</c>: how the silo's ingest log gathers appends from many locations into one
/// transaction (see <see cref="GroupCommitWriter"/>). The defaults were measured, not guessed (bench/README.md,
/// "Fleet").
/// </summary>
public sealed class GroupCommitOptions
{
    /// <summary>A group commits once this many appends have gathered…</summary>
    public int MaxAppends { get; set; } = 128;

    /// <summary>
    /// …or this long after its first append arrived. Zero (the default): as soon as a transaction slot is free, so a
    /// group is whatever arrived while the previous groups committed; measured best of 0, 0.5, 1, 2 and 5 ms at
    /// 1,000 stores (bench/README.md, "Fleet"): a wait only adds to every append's latency once groups form anyway.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.Zero;

    /// <summary>Group transactions committing at once: while these wait for the disk, the next group gathers.</summary>
    public int MaxInFlight { get; set; } = 2;
}
