using HeatmapSaas.Grains.Domain.Footfall;

namespace HeatmapSaas.Tests.Domain;

/// <summary>
/// The contract's counting rules written as plainly as possible — lists, LINQ, a dictionary per grid — for event
/// streams that arrive in ts order, as an oracle for the optimised ledger.
/// </summary>
internal sealed class ReferenceFootfall(int timeoutSeconds)
{
    private readonly long _timeoutMs = timeoutSeconds * 1000L;
    private readonly Dictionary<string, Visit> _open = [];
    private readonly List<Visit> _all = [];
    private readonly Dictionary<long, BucketCounts> _conversions = [];
    private readonly Dictionary<(long Bucket, HeatmapType Type), IntensityGrid> _grids = [];
    private long? _newest;

    private sealed class Visit
    {
        public required string Id { get; init; }
        public long First { get; init; }
        public long Last { get; set; }
        public bool Interacted { get; set; }
        public long? LastSample { get; set; }
    }

    public void Apply(SensorEvent e)
    {
        var ts = e.TsMs;
        _newest = Math.Max(_newest ?? long.MinValue, ts);
        foreach (var expired in _open.Values.Where(v => v.Last + _timeoutMs < ts).ToList())
        {
            _open.Remove(expired.Id);
        }

        var bucket = TimeBucket.OfMs(ts).Index;
        switch (e.Kind)
        {
            case SensorEventKind.Position:
            case SensorEventKind.Interaction:
                if (!_open.TryGetValue(e.TrackId!, out var visit))
                {
                    visit = new Visit { Id = e.TrackId!, First = ts, Last = ts };
                    _open[visit.Id] = visit;
                    _all.Add(visit);
                }

                visit.Last = Math.Max(visit.Last, ts);
                var x = (int)Math.Floor(e.X / 10);
                var y = (int)Math.Floor(e.Y / 10);
                if (e.Kind == SensorEventKind.Interaction)
                {
                    visit.Interacted = true;
                    Grid(bucket, HeatmapType.Interactions).Add(x, y, 1);
                }
                else
                {
                    Grid(bucket, HeatmapType.CustomerFlow).Add(x, y, 1);
                    Grid(bucket, HeatmapType.DwellTime).Add(x, y, visit.LastSample is { } previous ? Math.Min(5_000, ts - previous) : 0);
                    visit.LastSample = ts;
                }

                break;
            case SensorEventKind.TrackEnd:
                _open.Remove(e.TrackId!);
                break;
            case SensorEventKind.Conversion:
                _conversions[bucket] = _conversions.GetValueOrDefault(bucket) + new BucketCounts(0, 0, 0, 0, 1, 0, e.Value);
                break;
        }
    }

    public string Describe()
    {
        var counts = new Dictionary<long, BucketCounts>(_conversions);
        foreach (var visit in _all)
        {
            var bucket = TimeBucket.OfMs(visit.First).Index;
            var dwell = visit.Last - visit.First;
            counts[bucket] = counts.GetValueOrDefault(bucket) + new BucketCounts(
                1, dwell >= 3_000 ? 1 : 0, dwell >= 10_000 ? 1 : 0, visit.Interacted ? 1 : 0, 0, dwell, 0);
        }

        var buckets = counts.Keys.Concat(_grids.Keys.Select(k => k.Bucket)).Distinct().Select(b => (
            new TimeBucket(b),
            counts.GetValueOrDefault(b),
            HeatmapTypes.All.Select(t => _grids.GetValueOrDefault((b, t)) ?? IntensityGrid.Empty).ToArray()));
        return FootfallKit.Render(
            _open.Count,
            _newest,
            _open.Values.Select(v => new Track(v.Id, v.First, v.Last, v.Interacted)),
            buckets);
    }

    private IntensityGrid Grid(long bucket, HeatmapType type)
    {
        if (!_grids.TryGetValue((bucket, type), out var grid))
        {
            _grids[(bucket, type)] = grid = new IntensityGrid();
        }

        return grid;
    }
}
