namespace HeatmapSaas.Footfall;

public enum TrafficMetric
{
    Impressions,
    Discoveries,
    Engagements,
    Interactions,
}

/// <summary>A traffic-count question about one local date (seed 002).</summary>
[GenerateSerializer, Immutable]
public sealed record TrafficQuery(
    [property: Id(0)] TrafficMetric Metric,
    [property: Id(1)] DateOnly Date,
    [property: Id(2)] Granularity Interval,
    [property: Id(3)] int? Hour);

/// <summary>One row: a local hour (or quarter, or the day) with its local start and the metric's count.</summary>
[GenerateSerializer, Immutable]
public sealed record TrafficRow(
    [property: Id(0)] DateTimeOffset LocalStart,
    [property: Id(1)] long Count);

/// <summary>A half-open UTC window of whole 15-minute buckets, as the report endpoints parse them.</summary>
[GenerateSerializer, Immutable]
public sealed record BucketWindow(
    [property: Id(0)] long FirstBucket,
    [property: Id(1)] long EndBucket);

/// <summary>
/// Visitors, their time and their conversions over a stretch of local time, with the figures the contract derives
/// from them (rounded as seed 000 shows them, zero without visitors).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record VisitFigures(
    [property: Id(0)] long Visitors,
    [property: Id(1)] long DwellMs,
    [property: Id(2)] long Conversions,
    [property: Id(3)] int[] PeakHours)
{
    /// <summary>Minutes per visitor, to 2 decimals.</summary>
    public decimal AverageDurationMinutes =>
        Visitors == 0 ? 0m : Math.Round(DwellMs / 60_000m / Visitors, 2, MidpointRounding.AwayFromZero);

    /// <summary>Conversions per visitor, to 4 decimals.</summary>
    public decimal ConversionRate =>
        Visitors == 0 ? 0m : Math.Round((decimal)Conversions / Visitors, 4, MidpointRounding.AwayFromZero);
}

[GenerateSerializer, Immutable]
public sealed record AnalyticsDay(
    [property: Id(0)] DateOnly Date,
    [property: Id(1)] VisitFigures Figures);

/// <summary>Location analytics over a window in the location's zone: totals and one entry per local date.</summary>
[GenerateSerializer, Immutable]
public sealed record LocationAnalytics(
    [property: Id(0)] VisitFigures Total,
    [property: Id(1)] AnalyticsDay[] Days);

/// <summary>Visitors of a window in a zone, for a heatmap's summary.</summary>
[GenerateSerializer, Immutable]
public sealed record VisitorSummary(
    [property: Id(0)] long TotalVisitors,
    [property: Id(1)] int? PeakHour,
    [property: Id(2)] DayOfWeek? BusiestDay);

[GenerateSerializer, Immutable]
public readonly record struct CellValue(
    [property: Id(0)] int X,
    [property: Id(1)] int Y,
    [property: Id(2)] long Value);

/// <summary>Base-grid cells (10 floor units) of one heatmap type in one bucket.</summary>
[GenerateSerializer, Immutable]
public sealed record BucketCells(
    [property: Id(0)] long Bucket,
    [property: Id(1)] CellValue[] Cells,
    [property: Id(2)] int Samples);

/// <summary>Base grids as of a log position: a heatmap ignores later deltas at or below it.</summary>
[GenerateSerializer, Immutable]
public sealed record GridSnapshot(
    [property: Id(0)] long Position,
    [property: Id(1)] BucketCells[] Buckets);

/// <summary>Base grids a heatmap's view lacks to answer: its location feeds them, then the question is asked again.</summary>
[GenerateSerializer, Immutable]
public sealed record GridsWanted(
    [property: Id(0)] string LocationId,
    [property: Id(1)] BucketWindow Window);

/// <summary>A heatmap's answer, or (with no value) the grids it wants first.</summary>
[GenerateSerializer, Immutable]
public sealed record ViewAnswer<T>(
    [property: Id(0)] T? Value,
    [property: Id(1)] GridsWanted? Wanted = null) where T : class;

[GenerateSerializer, Immutable]
public sealed record GatewayStatus(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] DateTimeOffset LastSeen,
    [property: Id(2)] long Batches,
    [property: Id(3)] long Events);

[GenerateSerializer, Immutable]
public sealed record HeatmapPoint(
    [property: Id(0)] DateTimeOffset Timestamp,
    [property: Id(1)] double X,
    [property: Id(2)] double Y,
    [property: Id(3)] double Intensity,
    [property: Id(4)] decimal Count);

/// <summary>
/// A heatmap answer's points as parallel arrays (no object per point): the periods that have points, each with its
/// start and the index one past its last point, and per point its cell (packed <c>y &lt;&lt; 16 | x</c> at
/// <see cref="CellSize"/>) and value (a count, or milliseconds for dwell time). Ordered by period, y, x.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record HeatmapPointSet(
    [property: Id(0)] DateTimeOffset[] Starts,
    [property: Id(1)] int[] Ends,
    [property: Id(2)] uint[] Cells,
    [property: Id(3)] long[] Values,
    [property: Id(4)] long Max,
    [property: Id(5)] int CellSize,
    [property: Id(6)] bool Milliseconds)
{
    public int Count => Values.Length;

    /// <summary>The cell centre's floor coordinates of point <paramref name="i"/>.</summary>
    public (double X, double Y) Centre(int i) =>
        (((Cells[i] & 0xFFFF) + 0.5) * CellSize, ((Cells[i] >> 16) + 0.5) * CellSize);

    /// <summary>The value relative to the largest in the answer (the hottest cell is 1.0).</summary>
    public double Intensity(int i) => (double)Values[i] / Max;

    /// <summary>The count as the API shows it: an integer, or seconds with 3 decimals for dwell time.</summary>
    public decimal Shown(int i) => Milliseconds ? Math.Round(Values[i] / 1000m, 3) : Values[i];

    public HeatmapPoint[] ToPoints()
    {
        var points = new HeatmapPoint[Count];
        var period = 0;
        for (var i = 0; i < points.Length; i++)
        {
            while (i >= Ends[period])
            {
                period++;
            }

            var (x, y) = Centre(i);
            points[i] = new HeatmapPoint(Starts[period], x, y, Intensity(i), Shown(i));
        }

        return points;
    }
}

[GenerateSerializer, Immutable]
public sealed record HeatmapData(
    [property: Id(0)] HeatmapPointSet PointSet,
    [property: Id(1)] int GridWidth,
    [property: Id(2)] int GridHeight,
    [property: Id(3)] VisitorSummary Summary)
{
    /// <summary>The points as records, for callers that want objects (image, CSV, tests); built on each call.</summary>
    public HeatmapPoint[] Points => PointSet.ToPoints();
}
