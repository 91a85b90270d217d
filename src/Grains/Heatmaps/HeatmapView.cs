using HeatmapSaas.Grains.Domain.Footfall;
using HeatmapSaas.Ingest;

namespace HeatmapSaas.Grains.Heatmaps;

/// <summary>
/// A heatmap's grids at its own cell size, per 15-minute bucket, derived from the location's base grids:
/// filled from a snapshot, then following batch deltas above the snapshot's log position.
/// </summary>
public sealed class HeatmapView(int cellSize, HeatmapType type)
{
    /// <summary>More points than this in one answer asks for a coarser granularity.</summary>
    public const int MaxPoints = 200_000;

    private readonly Dictionary<long, IntensityGrid> _buckets = [];
    private long _position = -1;

    public bool IsFilled => _position >= 0;

    public long Samples { get; private set; }

    public void Fill(GridSnapshot snapshot)
    {
        _buckets.Clear();
        foreach (var bucket in snapshot.Buckets)
        {
            Add(bucket);
        }

        _position = snapshot.Position;
    }

    /// <summary>Adds one batch's cells unless the snapshot already held them; false when skipped.</summary>
    public bool Apply(long position, BucketCells[] changes)
    {
        if (!IsFilled || position <= _position)
        {
            return false;
        }

        foreach (var change in changes)
        {
            Add(change);
            Samples += change.Samples;
        }

        return true;
    }

    public int CellSize => cellSize;

    /// <summary>The grid of one bucket at this heatmap's cell size, if anything landed there.</summary>
    public IntensityGrid? GridOf(long bucket) => _buckets.GetValueOrDefault(bucket);

    /// <summary>A cell value as the API shows it: a count, or seconds for dwell time.</summary>
    public double Shown(long value) => type == HeatmapType.DwellTime ? value / 1000.0 : value;

    /// <summary>One point per non-empty cell per period, ordered by timestamp, y, x; intensity relative to the hottest.</summary>
    public (HeatmapPoint[] Points, bool TooMany) Points(IReadOnlyList<LocalPeriod> periods)
    {
        var cells = new List<(DateTimeOffset Timestamp, GridCell Cell)>();
        foreach (var period in periods)
        {
            var sum = new IntensityGrid(cellSize);
            for (var b = period.First; b < period.EndExclusive; b = b.Next)
            {
                if (_buckets.TryGetValue(b.Index, out var grid))
                {
                    sum.AddAll(grid);
                }
            }

            foreach (var cell in sum.ToCells())
            {
                cells.Add((period.Start, cell));
                if (cells.Count > MaxPoints)
                {
                    return ([], true);
                }
            }
        }

        var max = cells.Count == 0 ? 0 : cells.Max(c => c.Cell.Value);
        var points = cells.Select(c => new HeatmapPoint(
                c.Timestamp,
                (c.Cell.X + 0.5) * cellSize,
                (c.Cell.Y + 0.5) * cellSize,
                (double)c.Cell.Value / max,
                type == HeatmapType.DwellTime ? Math.Round(c.Cell.Value / 1000m, 3) : c.Cell.Value))
            .ToArray();
        return (points, false);
    }

    private void Add(BucketCells bucket)
    {
        if (!_buckets.TryGetValue(bucket.Bucket, out var grid))
        {
            _buckets[bucket.Bucket] = grid = new IntensityGrid(cellSize);
        }

        foreach (var cell in bucket.Cells)
        {
            // Base cells are 10 units; fold them into this heatmap's cells.
            var factor = cellSize / IntensityGrid.BaseCellSize;
            grid.Add(cell.X / factor, cell.Y / factor, cell.Value);
        }
    }
}
