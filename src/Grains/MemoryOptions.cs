using Microsoft.Extensions.Configuration;

namespace HeatmapSaas.Grains;

/// <summary>
/// <c>Heatmap:Memory</c>: how much of their data locations and heatmaps keep in memory before the history store
/// serves it. Each window was first a key of <c>Heatmap:Ingest</c> or <c>Heatmap:Live</c>; those keys are still
/// read, and a <c>Heatmap:Memory</c> key set beside one wins.
/// </summary>
public sealed class MemoryOptions
{
    public const string Section = "Heatmap:Memory";

    /// <summary>The sections that held these windows before, read first so the new section overrides them.</summary>
    private static readonly string[] EarlierSections = ["Heatmap:Ingest", "Heatmap:Live"];

    /// <summary>Buckets older than this leave a location's memory for the history store (once no open track pins them).</summary>
    public TimeSpan LiveWindow { get; set; } = TimeSpan.FromDays(2);

    /// <summary>
    /// Base grids of buckets older than this leave a location's memory for the history store ahead of their
    /// bucket's counts: they are most of a location's memory, and only a heatmap's backfill or recall reads them.
    /// </summary>
    public TimeSpan GridWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How much of its newest data a heatmap view keeps in memory; questions reaching further back recall
    /// the older buckets from the location (its live buckets and the history store).</summary>
    public TimeSpan HeatmapWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A recalled stretch of older buckets leaves memory once no question has used it for this long.</summary>
    public TimeSpan RecallIdle { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Binds the earlier keys, then <see cref="Section"/> over them.</summary>
    public static void Bind(MemoryOptions options, IConfiguration config)
    {
        foreach (var section in EarlierSections)
        {
            config.GetSection(section).Bind(options);
        }

        config.GetSection(Section).Bind(options);
    }
}
