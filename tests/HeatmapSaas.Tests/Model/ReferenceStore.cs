using HeatmapSaas.Footfall;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Tests.Model;

/// <summary>
/// One store as the contract ("Sensor ingest", "What the counts mean") and the footfall README's documented choices
/// describe it, written as plainly as possible and independent of src/Grains/Footfall: the batches it acknowledged,
/// every visit it ever saw and every heatmap sample. Reports are computed from that on demand, bucket by bucket,
/// with <see cref="TimeZoneInfo"/> for local time.
/// </summary>
internal sealed class ReferenceStore(double width, double height, int timeoutSeconds, string timeZone)
{
    public const long BucketMs = 15 * 60 * 1000;
    private const long MaxClockSkewMs = 5 * 60 * 1000;
    private const long MaxEventAgeMs = 7L * 24 * 3600 * 1000;

    public double Width { get; } = width;
    public double Height { get; } = height;
    public int TimeoutSeconds { get; } = timeoutSeconds;
    public string TimeZone { get; } = timeZone;

    private long TimeoutMs => TimeoutSeconds * 1000L;

    private readonly Dictionary<string, IngestReceipt> _receipts = new(StringComparer.Ordinal);
    /// <summary>Reorder window (the product's default) and when the product next forgets tracks beyond it.</summary>
    public const long ReorderWindowMs = 3600 * 1000;
    private long _nextForget = long.MinValue;

    // Per track id, its visits and track_end cuts that late events can still reach, in ts order.
    private readonly Dictionary<string, List<Visit>> _timelines = new(StringComparer.Ordinal);
    private readonly List<Visit> _visits = [];
    private readonly List<long> _conversions = [];
    private readonly List<Sample> _samples = [];
    private DateTimeOffset? _lastReceivedAt;

    /// <summary>The newest accepted event ts (any type), the contract's last-update.</summary>
    public long? NewestTs { get; private set; }

    public IReadOnlyCollection<string> AcknowledgedBatchIds => _receipts.Keys;

    /// <summary>How often each rule came into play, to show what a run covered.</summary>
    public Dictionary<string, int> Coverage { get; } = [];

    private void Covered(string rule, int times = 1)
    {
        if (times > 0)
        {
            Coverage[rule] = Coverage.GetValueOrDefault(rule) + times;
        }
    }

    private sealed class Visit
    {
        public string Id = "";
        public bool IsCut;
        public long First;
        public long Last;
        public bool Interacted;
        public long? LastPositionTs;
    }

    /// <summary>One heatmap sample: the type's grid gets <see cref="Value"/> (a count, or milliseconds) at x, y in the bucket of ts.</summary>
    public readonly record struct Sample(string Type, long Ts, double X, double Y, long Value);

    public readonly record struct Counts(long Visitors, long Discoveries, long Engagements, long Interactions, long DwellMs, long Conversions)
    {
        public static Counts operator +(Counts a, Counts b) => new(a.Visitors + b.Visitors, a.Discoveries + b.Discoveries,
            a.Engagements + b.Engagements, a.Interactions + b.Interactions, a.DwellMs + b.DwellMs, a.Conversions + b.Conversions);

        public long Metric(TrafficMetric metric) => metric switch
        {
            TrafficMetric.Impressions => Visitors,
            TrafficMetric.Discoveries => Discoveries,
            TrafficMetric.Engagements => Engagements,
            _ => Interactions,
        };
    }

    // ---------------------------------------------------------------- ingest

    /// <summary>What the location must answer to this batch at wall clock <paramref name="now"/>, applying it when new.</summary>
    public IngestReceipt Ingest(SensorBatch batch, DateTimeOffset now)
    {
        if (_receipts.TryGetValue(batch.BatchId, out var first))
        {
            Covered("duplicate batches");
            return first with { Duplicate = true };
        }

        var nowMs = now.ToUnixTimeMilliseconds();
        var errors = new List<IngestError>(batch.ParseErrors);
        var accepted = new List<SensorReading>();
        foreach (var r in batch.Readings)
        {
            string? code = null;
            if (r.TsMillis > nowMs + MaxClockSkewMs)
            {
                code = IngestError.TsInFuture;
            }
            else if (r.TsMillis < nowMs - MaxEventAgeMs)
            {
                code = IngestError.TsTooOld;
            }
            else if (r.Kind is ReadingKind.Position or ReadingKind.Interaction && !(r.X >= 0 && r.X < Width && r.Y >= 0 && r.Y < Height))
            {
                code = IngestError.OutOfBounds;
            }

            Covered(code ?? "accepted");
            if (code is null)
            {
                accepted.Add(r);
            }
            else
            {
                errors.Add(new IngestError(r.Index, code, ""));
            }
        }

        errors = errors.OrderBy(e => e.Index).ToList();
        var receipt = new IngestReceipt(batch.BatchId, accepted.Count, errors.Count, false, errors.Take(IngestReceipt.MaxErrors).ToArray());
        _receipts[batch.BatchId] = receipt;
        Apply(accepted, now);
        return receipt;
    }

    private void Apply(List<SensorReading> accepted, DateTimeOffset now)
    {
        // Wall-clock silence ends tracks for occupancy only, which no answer compared here shows.
        if (accepted.Count == 0)
        {
            return;
        }

        _lastReceivedAt = _lastReceivedAt is { } previous && previous > now ? previous : now;
        _counts = null;

        // Inside a batch: ts order, ties in batch order (OrderBy is stable).
        foreach (var e in accepted.OrderBy(e => e.TsMillis))
        {
            var ts = e.TsMillis;
            if (ts > (NewestTs ?? long.MinValue))
            {
                NewestTs = ts;
                if (ts >= _nextForget)
                {
                    // The product forgets what no event inside the reorder window can reach, at marks a quarter window apart.
                    foreach (var timeline in _timelines.Values)
                    {
                        Covered("tracks forgotten beyond the reorder window", timeline.RemoveAll(v => v.Last < ts - ReorderWindowMs - TimeoutMs));
                    }

                    _nextForget = ts + Math.Max(ReorderWindowMs / 4, TimeoutMs);
                }
            }

            switch (e.Kind)
            {
                case ReadingKind.Position:
                case ReadingKind.Interaction:
                    TrackEvent(e);
                    break;
                case ReadingKind.TrackEnd:
                    if (e.TrackId is { } ended)
                    {
                        Cut(ended, ts);
                    }

                    break;
                case ReadingKind.Conversion:
                    _conversions.Add(ts);
                    break;
            }
        }
    }

    private List<Visit> TimelineOf(string id) =>
        _timelines.TryGetValue(id, out var timeline) ? timeline : _timelines[id] = [];

    /// <summary>
    /// A track is a maximal run of the id's events with consecutive ts at most the timeout apart and no track_end
    /// between: the event joins the visit it falls in, or those before and after it within the timeout (merging them).
    /// </summary>
    private void TrackEvent(SensorReading e)
    {
        if (e.TrackId is not { } id)
        {
            return;
        }

        var ts = e.TsMillis;
        var interaction = e.Kind == ReadingKind.Interaction;
        var timeline = TimelineOf(id);
        var visit = timeline.FirstOrDefault(v => !v.IsCut && v.First <= ts && ts <= v.Last);
        if (visit is null)
        {
            var before = timeline.LastOrDefault(v => v.IsCut ? v.First < ts : v.Last < ts);
            var after = timeline.FirstOrDefault(v => v.IsCut ? v.First >= ts : v.First > ts);
            var joinsBefore = before is { IsCut: false } && ts - before.Last <= TimeoutMs;
            var joinsAfter = after is { IsCut: false } && after.First - ts <= TimeoutMs;
            Covered("late events joining a track before them", joinsBefore && timeline[^1] != before ? 1 : 0);
            Covered("first_seen moved back", joinsAfter ? 1 : 0);
            if (joinsBefore && joinsAfter)
            {
                Covered("tracks merged by a late event");
                before!.Last = after!.Last;
                before.Interacted |= after.Interacted;
                before.LastPositionTs = Math.Max(before.LastPositionTs ?? long.MinValue, after.LastPositionTs ?? long.MinValue) is var p && p != long.MinValue ? p : null;
                timeline.Remove(after);
                _visits.Remove(after);
                visit = before;
            }
            else if (joinsBefore || joinsAfter)
            {
                visit = joinsBefore ? before! : after!;
            }
            else
            {
                Covered(_visits.Any(v => v.Id == id) ? "track id seen again as a new visit" : "tracks");
                visit = new Visit { Id = id, First = ts, Last = ts };
                timeline.Insert(after is null ? timeline.Count : timeline.IndexOf(after), visit);
                _visits.Add(visit);
            }

            Covered("first_seen moved to an earlier bucket", BucketOf(ts) < BucketOf(visit.First) ? 1 : 0);
            visit.First = Math.Min(visit.First, ts);
            visit.Last = Math.Max(visit.Last, ts);
        }

        if (interaction)
        {
            visit.Interacted = true;
            _samples.Add(new Sample("interactions", ts, e.X, e.Y, 1));
        }
        else
        {
            // min(5 s, time since the track's previous (newest) position sample); 0 for its first, 0 when late.
            var weight = visit.LastPositionTs is { } previous && ts > previous ? Math.Min(5000, ts - previous) : 0;
            visit.LastPositionTs = Math.Max(visit.LastPositionTs ?? long.MinValue, ts);
            _samples.Add(new Sample("customer_flow", ts, e.X, e.Y, 1));
            _samples.Add(new Sample("dwell_time", ts, e.X, e.Y, weight));
        }
    }

    /// <summary>A track_end is a cut between visits; one that falls inside a visit already formed is dropped (README).</summary>
    private void Cut(string id, long ts)
    {
        var timeline = TimelineOf(id);
        if (timeline.Any(v => v.IsCut ? v.First == ts : v.First <= ts && ts < v.Last))
        {
            Covered("track_end inside a formed track or repeated");
            return;
        }

        Covered("track_end cuts");
        var after = timeline.FirstOrDefault(v => v.IsCut ? v.First > ts : v.First > ts);
        timeline.Insert(after is null ? timeline.Count : timeline.IndexOf(after), new Visit { Id = id, IsCut = true, First = ts, Last = ts });
    }

    // ---------------------------------------------------------------- counts per bucket

    /// <summary>The UTC 15-minute bucket of an instant: unix ms / 900,000, floored.</summary>
    public static long BucketOf(long ms) => ms >= 0 ? ms / BucketMs : (ms - BucketMs + 1) / BucketMs;

    /// <summary>Counts per UTC 15-minute bucket: each visit in the bucket of its first_seen, conversions in their own.</summary>
    public Dictionary<long, Counts> CountsByBucket() => _counts ??= ComputeCountsByBucket();

    private Dictionary<long, Counts>? _counts;

    private Dictionary<long, Counts> ComputeCountsByBucket()
    {
        var counts = new Dictionary<long, Counts>();
        foreach (var v in _visits)
        {
            var dwell = v.Last - v.First;
            var b = BucketOf(v.First);
            counts[b] = counts.GetValueOrDefault(b) + new Counts(1, dwell >= 3000 ? 1 : 0, dwell >= 10000 ? 1 : 0, v.Interacted ? 1 : 0, dwell, 0);
        }

        foreach (var ts in _conversions)
        {
            var b = BucketOf(ts);
            counts[b] = counts.GetValueOrDefault(b) + new Counts(0, 0, 0, 0, 0, 1);
        }

        return counts;
    }

    /// <summary>The local dates (in a zone) of every bucket holding something.</summary>
    public SortedSet<DateOnly> DatesTouched(string zone)
    {
        var local = LocalTime.Of(zone);
        var dates = new SortedSet<DateOnly>(CountsByBucket().Keys.Select(local.DateOf));
        foreach (var s in _samples)
        {
            dates.Add(local.DateOf(BucketOf(s.Ts)));
        }

        return dates;
    }

    public IReadOnlyList<Sample> Samples => _samples;

    // ---------------------------------------------------------------- reports

    /// <summary>Seed 002's rows for one local date: periods with any visitor, zeros included for the metric.</summary>
    public List<(DateTimeOffset Start, long Count)> Traffic(TrafficQuery query)
    {
        var counts = CountsByBucket();
        var local = LocalTime.Of(TimeZone);
        var buckets = local.BucketsOf(query.Date);
        var periods = new List<(DateTimeOffset Start, List<long> Buckets)>();
        switch (query.Interval)
        {
            case Granularity.QuarterHour:
                periods.AddRange(buckets.Select(b => (local.StartOf(b), new List<long> { b })));
                break;
            case Granularity.Hour:
                foreach (var b in buckets)
                {
                    var start = local.HourStartOf(b);
                    if (periods.Count > 0 && periods[^1].Start.EqualsExact(start))
                    {
                        periods[^1].Buckets.Add(b);
                    }
                    else
                    {
                        periods.Add((start, [b]));
                    }
                }

                break;
            default:
                if (buckets.Count > 0)
                {
                    periods.Add((local.StartOf(buckets[0]), buckets.ToList()));
                }

                break;
        }

        return periods
            .Where(p => query.Hour is not { } hour || p.Start.Hour == hour)
            .Select(p => (p.Start, Sum: p.Buckets.Aggregate(default(Counts), (sum, b) => sum + counts.GetValueOrDefault(b))))
            .Where(p => p.Sum.Visitors > 0)
            .Select(p => (p.Start, p.Sum.Metric(query.Metric)))
            .ToList();
    }

    public LocationAnalytics Analytics(long firstBucket, long endBucket)
    {
        var counts = CountsByBucket();
        var local = LocalTime.Of(TimeZone);
        var window = Range(firstBucket, endBucket);
        var days = window.GroupBy(local.DateOf)
            .Select(day => new AnalyticsDay(day.Key, Figures(day, counts, local)))
            .ToArray();
        return new LocationAnalytics(Figures(window, counts, local), days);
    }

    private static VisitFigures Figures(IEnumerable<long> buckets, Dictionary<long, Counts> counts, LocalTime local) => new(
        buckets.Sum(b => counts.GetValueOrDefault(b).Visitors),
        buckets.Sum(b => counts.GetValueOrDefault(b).DwellMs),
        buckets.Sum(b => counts.GetValueOrDefault(b).Conversions),
        PeakHours(buckets, counts, local));

    /// <summary>Up to five local hours with visitors, by count (ties: earlier hour), listed ascending.</summary>
    private static int[] PeakHours(IEnumerable<long> buckets, Dictionary<long, Counts> counts, LocalTime local)
    {
        var byHour = new long[24];
        foreach (var b in buckets)
        {
            byHour[local.StartOf(b).Hour] += counts.GetValueOrDefault(b).Visitors;
        }

        return Enumerable.Range(0, 24).Where(h => byHour[h] > 0)
            .OrderByDescending(h => byHour[h]).ThenBy(h => h).Take(5).Order().ToArray();
    }

    /// <summary>A heatmap summary in a zone: visitors, the hour and the weekday with most (ties to the earliest; weeks start Monday).</summary>
    public VisitorSummary Summary(long firstBucket, long endBucket, string zone)
    {
        var counts = CountsByBucket();
        var local = LocalTime.Of(zone);
        var byHour = new long[24];
        var byDay = new Dictionary<DayOfWeek, long>();
        long total = 0;
        foreach (var b in Range(firstBucket, endBucket))
        {
            var v = counts.GetValueOrDefault(b).Visitors;
            var start = local.StartOf(b);
            byHour[start.Hour] += v;
            byDay[start.DayOfWeek] = byDay.GetValueOrDefault(start.DayOfWeek) + v;
            total += v;
        }

        if (total == 0)
        {
            return new VisitorSummary(0, null, null);
        }

        var peakHour = Enumerable.Range(0, 24).First(h => byHour[h] == byHour.Max());
        DayOfWeek[] mondayFirst = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];
        var busiest = mondayFirst.First(d => byDay.GetValueOrDefault(d) == byDay.Values.Max());
        return new VisitorSummary(total, peakHour, busiest);
    }

    public readonly record struct Point(DateTimeOffset Timestamp, double X, double Y, double Intensity, decimal Count);

    /// <summary>
    /// A heatmap's points: one per non-empty cell per period (hour: the local hour's start with its offset; day: local
    /// midnight; week: Monday's local midnight), cell = floor(coordinate / cell size), ordered by timestamp, y, x.
    /// </summary>
    public List<Point> HeatmapPoints(string type, int cellSize, string zone, long firstBucket, long endBucket, Granularity granularity)
    {
        var local = LocalTime.Of(zone);
        var sums = new Dictionary<(DateTimeOffset Period, long X, long Y), long>();
        foreach (var s in _samples)
        {
            var b = BucketOf(s.Ts);
            if (s.Type != type || b < firstBucket || b >= endBucket)
            {
                continue;
            }

            var period = granularity switch
            {
                Granularity.Hour => local.HourStartOf(b),
                Granularity.Day => local.MidnightOf(local.DateOf(b)),
                _ => local.MidnightOf(MondayOf(local.DateOf(b))),
            };
            var key = (period.ToUniversalTime(), (long)Math.Floor(s.X / cellSize), (long)Math.Floor(s.Y / cellSize));
            sums[key] = sums.GetValueOrDefault(key) + s.Value;
        }

        var cells = sums.Where(p => p.Value != 0).OrderBy(p => p.Key.Period).ThenBy(p => p.Key.Y).ThenBy(p => p.Key.X).ToList();
        var max = cells.Count == 0 ? 0 : cells.Max(c => c.Value);
        return cells.Select(c => new Point(c.Key.Period, (c.Key.X + 0.5) * cellSize, (c.Key.Y + 0.5) * cellSize,
                (double)c.Value / max, type == "dwell_time" ? c.Value / 1000m : c.Value))
            .ToList();
    }

    public static DateOnly MondayOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    private static List<long> Range(long first, long end)
    {
        var list = new List<long>();
        for (var b = first; b < end; b++)
        {
            list.Add(b);
        }

        return list;
    }
}

/// <summary>Local time of one zone for 15-minute UTC buckets: a bucket belongs to the local date and hour its start is in.</summary>
internal sealed class LocalTime
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, LocalTime> Zones = new();
    private readonly TimeZoneInfo _zone;
    private readonly Dictionary<long, DateTimeOffset> _starts = [];

    private LocalTime(string zone) => _zone = TimeZoneInfo.FindSystemTimeZoneById(zone);

    public static LocalTime Of(string zone) => Zones.GetOrAdd(zone, z => new LocalTime(z));

    public DateTimeOffset StartOf(long bucket)
    {
        lock (_starts)
        {
            if (!_starts.TryGetValue(bucket, out var start))
            {
                _starts[bucket] = start = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(bucket * ReferenceStore.BucketMs), _zone);
            }

            return start;
        }
    }

    public DateOnly DateOf(long bucket) => DateOnly.FromDateTime(StartOf(bucket).DateTime);

    /// <summary>
    /// The local hour a bucket is in, as the first instant of that hour's occurrence: the start of the earliest of the
    /// consecutive buckets with the same local date, hour and offset (hh:00 unless a DST change of under an hour
    /// began the occurrence part-way through).
    /// </summary>
    public DateTimeOffset HourStartOf(long bucket)
    {
        static (DateTime Hour, TimeSpan Offset) HourOf(DateTimeOffset s) => (new DateTime(s.Year, s.Month, s.Day, s.Hour, 0, 0), s.Offset);
        var key = HourOf(StartOf(bucket));
        while (HourOf(StartOf(bucket - 1)) == key)
        {
            bucket--;
        }

        return StartOf(bucket);
    }

    /// <summary>Every bucket whose start lies on the local date, in time order (scans ±14 h around the UTC day).</summary>
    public List<long> BucketsOf(DateOnly date)
    {
        var utcMidnight = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var from = (utcMidnight - 15 * 3600_000L) / ReferenceStore.BucketMs;
        var to = (utcMidnight + 39 * 3600_000L) / ReferenceStore.BucketMs;
        var buckets = new List<long>();
        for (var b = from; b <= to; b++)
        {
            if (DateOf(b) == date)
            {
                buckets.Add(b);
            }
        }

        return buckets;
    }

    /// <summary>Local midnight of a date (none of the zones used here moves its clocks at midnight).</summary>
    public DateTimeOffset MidnightOf(DateOnly date)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, _zone.GetUtcOffset(midnight));
    }
}
