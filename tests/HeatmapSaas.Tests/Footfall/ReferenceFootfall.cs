using HeatmapSaas.Grains.Footfall;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>
/// The contract's counting rules written as plainly as possible — lists, LINQ, a dictionary per grid — for event
/// streams that arrive in ts order, as an oracle for the optimised ledger. A track_end is a cut: events at or
/// before its ts and events after it are different visits.
/// </summary>
internal sealed class ReferenceFootfall(int timeoutSeconds)
{
    private readonly long _timeoutMs = timeoutSeconds * 1000L;
    private readonly Dictionary<string, Visit> _latest = [];
    private readonly Dictionary<string, List<long>> _cuts = [];
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

    /// <summary>A track_end at c cuts: the visit goes on only for events at or before c.</summary>
    private bool CutAfter(Visit visit, long ts) => _cuts.TryGetValue(visit.Id, out var cuts) && cuts.Any(c => c >= visit.Last && c < ts);

    /// <summary>Open: the id's latest visit, no track_end at or after its last_seen, not timed out by the newest ts.</summary>
    private IEnumerable<Visit> Open => _latest.Values.Where(v =>
        !(_cuts.TryGetValue(v.Id, out var cuts) && cuts.Any(c => c >= v.Last)) && v.Last + _timeoutMs >= _newest);

    public void Apply(SensorEvent e)
    {
        var ts = e.TsMs;
        _newest = Math.Max(_newest ?? long.MinValue, ts);
        var bucket = TimeBucket.OfMs(ts).Index;
        switch (e.Kind)
        {
            case SensorEventKind.Position:
            case SensorEventKind.Interaction:
                // In ts order: the id's latest visit goes on if this event is within the timeout of it, uncut.
                if (!_latest.TryGetValue(e.TrackId!, out var visit) || ts - visit.Last > _timeoutMs || CutAfter(visit, ts))
                {
                    visit = new Visit { Id = e.TrackId!, First = ts, Last = ts };
                    _latest[visit.Id] = visit;
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
                (_cuts.TryGetValue(e.TrackId!, out var cuts) ? cuts : _cuts[e.TrackId!] = []).Add(ts);
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
        var open = Open.ToList();
        return FootfallKit.Render(
            open.Count,
            _newest,
            open.Select(v => new Track(v.Id, v.First, v.Last, v.Interacted)),
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
