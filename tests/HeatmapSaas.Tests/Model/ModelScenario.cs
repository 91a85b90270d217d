using System.Text;
using HeatmapSaas.Catalog;
using HeatmapSaas.Footfall;
using HeatmapSaas.Heatmaps;
using HeatmapSaas.Locations;
using HeatmapSaas.Tenants;

namespace HeatmapSaas.Tests.Model;

/// <summary>
/// Random stores, visits and gateway batches fed through the real cluster and through <see cref="ReferenceStore"/>,
/// with every query answer compared. One case = one new location, run start to end; the cases of an epoch share one
/// cluster and its clock and run one after another. Everything follows from the seed: a case's own random choices
/// from the seed and its index, its clock from the cases before it in the epoch (so MODEL_CASES only adds or drops
/// cases at the end of each epoch). Permuted: a case's visits lie within the reorder window and its batches are sent
/// in a random order; besides the usual comparison, every answer except the dwell-time heatmaps (where a late sample
/// adds 0) must equal what the reference gives for the same batches sent in ts order.
/// </summary>
internal sealed class ModelScenario(int seed, bool deactivations, bool permuted = false)
{
    public static readonly string[] Zones = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kathmandu", "Australia/Lord_Howe"];
    private static readonly string[] HeatmapTypes = ["customer_flow", "dwell_time", "interactions"];
    private static readonly int[] CellSizes = [10, 20, 30, 50, 100, 250, 1000];
    private const long Second = 1000;
    private const long Minute = 60 * Second;
    private const long Hour = 60 * Minute;
    private const long Day = 24 * Hour;
    private const int MaxDetailsPerCase = 6;

    private readonly List<string> _failures = [];
    private readonly Dictionary<string, int> _mismatchesByKind = [];
    private readonly Dictionary<string, int> _coverage = [];
    private long _tenant;
    private int _casesOfTenant = int.MaxValue;
    private ModelCluster? _cluster;

    public int Cases { get; private set; }
    public int Batches { get; private set; }
    public int Events { get; private set; }
    public int Duplicates { get; private set; }
    public int Queries { get; private set; }
    public int Deactivations { get; private set; }

    /// <summary>
    /// Clock starts a little after DST transitions, so that the last 7 days (the late-arrival horizon) hold them:
    /// New York spring forward; Berlin spring forward and Lord Howe's half-hour fall back; Lord Howe spring forward;
    /// Berlin fall back; New York fall back. Kathmandu (+05:45) and UTC are in every epoch.
    /// </summary>
    public static readonly (string Name, DateTimeOffset ClockStart)[] Epochs =
    [
        ("New York spring", new DateTimeOffset(2025, 3, 10, 6, 0, 0, TimeSpan.Zero)),
        ("Berlin spring, Lord Howe fall", new DateTimeOffset(2025, 4, 5, 17, 30, 0, TimeSpan.Zero)),
        ("Lord Howe spring", new DateTimeOffset(2025, 10, 5, 6, 0, 0, TimeSpan.Zero)),
        ("Berlin fall", new DateTimeOffset(2025, 10, 27, 0, 0, 0, TimeSpan.Zero)),
        ("New York fall", new DateTimeOffset(2025, 11, 3, 0, 0, 0, TimeSpan.Zero)),
    ];

    /// <summary>Runs <paramref name="cases"/> cases in a fresh cluster whose clock starts at the epoch's start.</summary>
    public async Task RunEpochAsync(int epoch, int cases)
    {
        await using var cluster = await ModelCluster.StartAsync(Epochs[epoch].ClockStart);
        _cluster = cluster;
        _tenant = 0;
        _casesOfTenant = int.MaxValue;
        var rng = new Random(unchecked(seed * 31 + epoch));
        for (var i = 0; i < cases; i++)
        {
            await RunCaseAsync(epoch * 10_000 + i, Zones[rng.Next(Zones.Length)]);
        }

        _cluster = null;
    }

    private ModelCluster Run => _cluster ?? throw new InvalidOperationException("no cluster");

    /// <summary>The instants a zone's UTC offset changes in a period (found by scanning every 15 minutes).</summary>
    private static List<DateTimeOffset> Transitions(string zone, DateTimeOffset from, DateTimeOffset to)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var list = new List<DateTimeOffset>();
        var t = from;
        var offset = tz.GetUtcOffset(t);
        for (; t < to; t = t.AddMinutes(15))
        {
            var next = tz.GetUtcOffset(t);
            if (next != offset)
            {
                list.Add(t);
                offset = next;
            }
        }

        return list;
    }

    public string Report()
    {
        var text = new StringBuilder();
        text.AppendLine($"Model run: seed {seed} (MODEL_SEED=<seed> replays the run), {Cases} cases, {Batches} batches, {Events} events, " +
                        $"{Duplicates} retries, {Deactivations} deactivations, {Queries} queries.");
        text.AppendLine("Covered: " + string.Join(", ", _coverage.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}")));
        if (_failures.Count == 0)
        {
            return text.ToString();
        }

        text.AppendLine("Mismatches by kind: " + string.Join(", ", _mismatchesByKind.OrderByDescending(p => p.Value).Select(p => $"{p.Key} ×{p.Value}")));
        foreach (var failure in _failures.Take(40))
        {
            text.AppendLine(failure);
        }

        return text.ToString();
    }

    public bool Failed => _failures.Count > 0;

    // ------------------------------------------------------------------------------------------------- one case

    private sealed class Case
    {
        public required int Index { get; init; }
        public required Random Rng { get; init; }
        public required ReferenceStore Ref { get; init; }
        public required Location Location { get; init; }
        public required long Tenant { get; init; }
        public required string Description { get; init; }
        public List<(Heatmap Heatmap, int CreateBefore)> Heatmaps { get; } = [];
        public List<(string Type, int CellSize, string? Zone, int CreateBefore)> Plans { get; } = [];
        public List<SensorBatch> Sent { get; } = [];
        public int Details;
    }

    private static readonly string? TraceFile = Environment.GetEnvironmentVariable("MODEL_TRACE");

    private static void Trace(string line)
    {
        if (TraceFile is not null)
        {
            File.AppendAllText(TraceFile, $"{DateTime.Now:HH:mm:ss.fff} {line}\n");
        }
    }

    private async Task RunCaseAsync(int index, string zone)
    {
        Trace($"case {index} {zone} {Run.Clock.GetUtcNow():u}");
        var rng = new Random(unchecked(seed * 7919 + index * 104729));

        if (_casesOfTenant >= 20)
        {
            var registry = Run.Grains.GetGrain<ITenantRegistryGrain>(0);
            _tenant = (await registry.CreateTenantAsync(new NewTenant($"Model {seed}-{index}", Plan.Enterprise, "UTC"))).Tenant.Id;
            _casesOfTenant = 0;
        }

        _casesOfTenant++;
        var width = rng.NextDouble() < 0.5 ? rng.Next(10, 2001) : Quarter(rng, 10, 2000);
        var height = rng.NextDouble() < 0.5 ? rng.Next(10, 2001) : Quarter(rng, 10, 2000);
        var timeout = rng.Next(5, 61);
        var catalog = Run.Grains.GetGrain<ICatalogGrain>(_tenant);
        var location = await catalog.CreateLocationAsync(new LocationDraft($"Store {index}", null, "retail", null, null, null,
            zone, null, null, new FloorPlan(width, height), timeout));
        var c = new Case
        {
            Index = index,
            Rng = rng,
            Ref = new ReferenceStore(width, height, timeout, zone),
            Location = location,
            Tenant = _tenant,
            Description = $"epoch \"{Epochs[index / 10_000].Name}\" case {index % 10_000} ({zone}, floor {width}×{height}, timeout {timeout} s, clock {Run.Clock.GetUtcNow():u})",
        };
        Cases++;

        var events = GenerateVisits(c);
        var batches = Cut(c, events);
        var order = Enumerable.Range(0, batches.Count).ToArray();
        if (permuted)
        {
            rng.Shuffle(order);
        }

        var sentAt = new (SensorBatch Batch, DateTimeOffset At)[batches.Count];
        for (var i = rng.Next(1, 5); i > 0; i--)
        {
            var createBefore = rng.NextDouble() switch { < 0.6 => 0, < 0.85 => rng.Next(1, batches.Count + 1), _ => batches.Count };
            var hmZone = rng.NextDouble() < 0.3 ? Zones[rng.Next(Zones.Length)] : null;
            c.Plans.Add((HeatmapTypes[rng.Next(HeatmapTypes.Length)], CellSizes[rng.Next(CellSizes.Length)], hmZone, createBefore));
        }

        var midCheck = rng.NextDouble() < 0.3 ? rng.Next(batches.Count) : -1;
        var manyErrors = rng.NextDouble() < 0.03 ? rng.Next(batches.Count) : -1;
        for (var i = 0; i < batches.Count; i++)
        {
            await CreateHeatmapsAsync(c, i);
            MoveClock(c);
            var batch = Assemble(c, $"b-{order[i]}", batches[order[i]], i == batches.Count - 1, i == manyErrors);
            sentAt[order[i]] = (batch, Run.Clock.GetUtcNow());
            await SendAsync(c, batch, "batch");
            c.Sent.Add(batch);

            // Retries: the same batch again, or an earlier id with other content; both answer the first receipt.
            if (rng.NextDouble() < 0.15)
            {
                await SendAsync(c, batch with { Readings = batch.Readings.ToArray() }, "retry");
            }

            if (rng.NextDouble() < 0.05 && c.Sent.Count > 1)
            {
                var earlier = c.Sent[rng.Next(c.Sent.Count - 1)];
                await SendAsync(c, batch with { BatchId = earlier.BatchId }, "retry of an earlier id with other content");
            }

            if (deactivations && rng.NextDouble() < 0.3)
            {
                await DeactivateAsync(c, $"after batch {i}");
            }

            if (i == midCheck)
            {
                await CheckAsync(c, $"after batch {i}");
            }
        }

        await CreateHeatmapsAsync(c, batches.Count);
        await CheckAsync(c, "at the end");
        if (permuted)
        {
            // The same batches in ts order, each at the wall clock it was sent at: the answers arrival order must not change.
            var inOrder = new ReferenceStore(c.Ref.Width, c.Ref.Height, c.Ref.TimeoutSeconds, c.Ref.TimeZone);
            foreach (var (batch, at) in sentAt)
            {
                inOrder.Ingest(batch, at);
            }

            await CheckAsync(c, $"sent in the order {string.Join(",", order)}, against the same batches in ts order", inOrder);
        }
        if (deactivations)
        {
            await DeactivateAsync(c, "at the end");
            await CheckAsync(c, "after deactivating everything");
            foreach (var sent in c.Sent.Where(_ => rng.NextDouble() < 0.5))
            {
                await SendAsync(c, sent, "retry after deactivation");
            }

            await CheckAsync(c, "after retries following deactivation");
        }

        foreach (var (rule, times) in c.Ref.Coverage)
        {
            _coverage[rule] = _coverage.GetValueOrDefault(rule) + times;
        }

        _coverage["DST days with visits"] = _coverage.GetValueOrDefault("DST days with visits") +
            c.Ref.DatesTouched(c.Ref.TimeZone).Count(d => LocalTime.Of(c.Ref.TimeZone).BucketsOf(d).Count != 96);

        // Buckets the location's ticker moved out of grain memory (older than the live window) are answered from there.
        var history = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<HeatmapSaas.Grains.Locations.History.IHistoryStore>(
            Run.Cluster.GetSiloServiceProvider(Run.Cluster.Silos[0].SiloAddress));
        var stored = await history.ReadAsync(c.Location.Id, new HeatmapSaas.Grains.Footfall.TimeBucket(0), new HeatmapSaas.Grains.Footfall.TimeBucket(long.MaxValue / 2), long.MaxValue);
        _coverage["buckets moved to the history store"] = _coverage.GetValueOrDefault("buckets moved to the history store") + stored.Count;

        // A done case's location stops ticking (its timer would otherwise fire on every later clock move).
        await Run.Cluster.DeactivateAsync(Run.Grains.GetGrain<ILocationGrain>(c.Location.Id));
    }

    private static double Quarter(Random rng, double min, double max) => Math.Round((min + rng.NextDouble() * (max - min)) * 4) / 4;

    /// <summary>Visits as a gateway would see them, in ts order: positions, interactions, track_end, conversions.</summary>
    private List<SensorReading> GenerateVisits(Case c)
    {
        var rng = c.Rng;
        var now = Run.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var span = permuted ? rng.NextInt64(5 * Minute, 50 * Minute) : rng.NextDouble() switch
        {
            < 0.55 => rng.NextInt64(20 * Minute, 4 * Hour),
            < 0.9 => rng.NextInt64(4 * Hour, 30 * Hour),
            _ => rng.NextInt64(30 * Hour, 6 * Day + 12 * Hour),
        };
        // The visits' window ends anywhere in the last days, often just after a DST transition of the zone.
        var oldest = now - 6 * Day - 19 * Hour;
        var end = oldest + span + rng.NextInt64(0, now - oldest - span + 1);
        var transitions = Transitions(c.Ref.TimeZone, DateTimeOffset.FromUnixTimeMilliseconds(oldest), DateTimeOffset.FromUnixTimeMilliseconds(now));
        if (transitions.Count > 0 && rng.NextDouble() < 0.6)
        {
            end = Math.Clamp(transitions[rng.Next(transitions.Count)].ToUnixTimeMilliseconds() + rng.NextInt64(-Hour, 30 * Hour), oldest + span, now);
        }

        if (permuted)
        {
            // Every event within the reorder window of the newest, even of an edge event 5 minutes ahead.
            end = now - rng.NextInt64(0, 5 * Minute);
        }

        var timeoutMs = c.Ref.TimeoutSeconds * Second;
        var tracks = rng.Next(3, 41);
        var pool = Math.Max(1, (int)(tracks * (0.3 + 0.7 * rng.NextDouble())));
        var events = new List<SensorReading>();
        for (var t = 0; t < tracks; t++)
        {
            var id = "t-" + rng.Next(pool);
            var ts = end - span + rng.NextInt64(0, span);
            if (rng.NextDouble() < 0.2)
            {
                // Straddle a bucket (and so maybe an hour or a local date) boundary.
                ts = ts / ReferenceStore.BucketMs * ReferenceStore.BucketMs - rng.Next(0, 4000);
            }

            var x = Quarter(rng, 0, c.Ref.Width - 0.25);
            var y = Quarter(rng, 0, c.Ref.Height - 0.25);
            var samples = rng.NextDouble() < 0.1 ? 2 : rng.Next(1, 26);
            var boundaryGap = rng.NextDouble() < 0.1
                ? new long[] { 2999, 3000, 9999, 10000, timeoutMs, timeoutMs + 1 }[rng.Next(6)]
                : (long?)null;
            for (var s = 0; s < samples; s++)
            {
                var kind = rng.NextDouble() < 0.2 ? ReadingKind.Interaction : ReadingKind.Position;
                events.Add(new SensorReading(0, kind, id, Math.Min(ts, end), x, y, 0, kind == ReadingKind.Interaction ? "sku-1" : null));
                ts += boundaryGap ?? rng.NextDouble() switch
                {
                    < 0.65 => rng.Next(100, 4000),
                    < 0.8 => rng.Next(4000, 15000),
                    < 0.9 => rng.Next(3) switch { 0 => timeoutMs, 1 => timeoutMs + 1, _ => timeoutMs + rng.Next(-1500, 1500) },
                    < 0.95 => 0,
                    _ => rng.NextInt64(15000, 2 * timeoutMs + 15000),
                };
                (x, y) = Walk(rng, c.Ref, x, y);
            }

            var last = events[^1].TsMillis;
            if (rng.NextDouble() < 0.4)
            {
                var endTs = rng.NextDouble() < 0.1 ? last - rng.Next(0, 2000) : last + rng.Next(0, 3000);
                events.Add(new SensorReading(0, ReadingKind.TrackEnd, id, Math.Min(endTs, end), 0, 0, 0, null));
            }

            if (rng.NextDouble() < 0.2)
            {
                events.Add(new SensorReading(0, ReadingKind.Conversion, rng.NextDouble() < 0.5 ? id : null,
                    Math.Min(last + rng.Next(0, 90_000), end), 0, 0, Math.Round(rng.NextDouble() * 100, 2), null));
            }
        }

        for (var i = rng.Next(0, 3); i > 0; i--)
        {
            events.Add(new SensorReading(0, ReadingKind.Conversion, null, end - rng.NextInt64(0, span), 0, 0, 5, null));
        }

        var ordered = events.OrderBy(e => e.TsMillis).ToList();
        return permuted ? ordered.Where(e => !IsCutInsideJoinableGap(e, ordered, timeoutMs)).ToList() : ordered;
    }

    /// <summary>
    /// A track_end between two events of its id within the timeout of each other: sent after both, it could not split
    /// the track they already formed (the README's one exception to arrival-order independence), so permuted cases
    /// leave it out.
    /// </summary>
    private static bool IsCutInsideJoinableGap(SensorReading cut, List<SensorReading> events, long timeoutMs)
    {
        if (cut.Kind != ReadingKind.TrackEnd)
        {
            return false;
        }

        var ts = events.Where(e => e.TrackId == cut.TrackId && e.Kind is ReadingKind.Position or ReadingKind.Interaction)
            .Select(e => e.TsMillis).ToList();
        return ts.Zip(ts.Skip(1)).Any(p => p.First <= cut.TsMillis && cut.TsMillis < p.Second && p.Second - p.First <= timeoutMs);
    }

    private static (double X, double Y) Walk(Random rng, ReferenceStore store, double x, double y)
    {
        x = Math.Clamp(Math.Round((x + rng.Next(-40, 41) + rng.Next(4) * 0.25) * 4) / 4, 0, store.Width - 0.25);
        y = Math.Clamp(Math.Round((y + rng.Next(-40, 41) + rng.Next(4) * 0.25) * 4) / 4, 0, store.Height - 0.25);
        if (rng.NextDouble() < 0.1)
        {
            // Exactly on a cell edge.
            x = Math.Floor(x / 10) * 10;
        }

        return (x, y);
    }

    /// <summary>Cuts the stream at random boundaries; shuffles inside batches; sometimes a late gateway pushes events into the next batch.</summary>
    private static List<List<SensorReading>> Cut(Case c, List<SensorReading> events)
    {
        var rng = c.Rng;
        var count = rng.Next(1, Math.Min(14, events.Count) + 1);
        var cuts = new SortedSet<int> { 0, events.Count };
        while (cuts.Count < count + 1)
        {
            cuts.Add(rng.Next(1, events.Count));
        }

        var bounds = cuts.ToArray();
        var batches = new List<List<SensorReading>>();
        for (var i = 0; i + 1 < bounds.Length; i++)
        {
            batches.Add(events.GetRange(bounds[i], bounds[i + 1] - bounds[i]));
        }

        if (rng.NextDouble() < 0.2)
        {
            for (var i = 0; i + 1 < batches.Count; i++)
            {
                var late = batches[i].Where(_ => rng.NextDouble() < 0.1).ToList();
                batches[i].RemoveAll(late.Contains);
                batches[i + 1].AddRange(late);
            }

            batches.RemoveAll(b => b.Count == 0);
        }

        foreach (var batch in batches)
        {
            if (rng.NextDouble() < 0.5)
            {
                rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batch));
            }
            else if (batch.Count > 1)
            {
                for (var swaps = rng.Next(0, 4); swaps > 0; swaps--)
                {
                    var (a, b) = (rng.Next(batch.Count), rng.Next(batch.Count));
                    (batch[a], batch[b]) = (batch[b], batch[a]);
                }
            }
        }

        return batches;
    }

    /// <summary>Wall-clock moves between batches: small steps, and sometimes silence around the track timeout.</summary>
    private void MoveClock(Case c)
    {
        var rng = c.Rng;
        var timeoutMs = c.Ref.TimeoutSeconds * Second;
        var roll = rng.NextDouble();
        if (roll < 0.12)
        {
            var ms = rng.Next(4) switch { 0 => timeoutMs, 1 => timeoutMs - 1, 2 => timeoutMs + 1, _ => timeoutMs + rng.Next(0, 5000) };
            Run.Clock.Advance(TimeSpan.FromMilliseconds(ms));
        }
        else if (roll < 0.5)
        {
            Run.Clock.Advance(TimeSpan.FromMilliseconds(rng.Next(0, 2000)));
        }
    }

    /// <summary>The batch as the parser would hand it over: readings with their 0-based index, plus probes and parse errors.</summary>
    private SensorBatch Assemble(Case c, string id, List<SensorReading> readings, bool last, bool manyErrors)
    {
        var rng = c.Rng;
        var store = c.Ref;
        var now = Run.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var validTs = readings.Count > 0 ? readings[rng.Next(readings.Count)].TsMillis : now - 1000;
        var slots = readings.Select(r => (Reading: (SensorReading?)r, Error: (string?)null)).ToList();

        void Insert(SensorReading? reading, string? parseError) =>
            slots.Insert(rng.Next(slots.Count + 1), (reading, parseError));

        // Invalid events, each with exactly one defect, relative to the clock now.
        var invalid = manyErrors ? rng.Next(101, 140) : rng.NextDouble() < 0.3 ? rng.Next(1, 4) : 0;
        for (var i = 0; i < invalid; i++)
        {
            var kind = (ReadingKind)rng.Next(4);
            var onFloor = (X: Quarter(rng, 0, store.Width - 0.25), Y: Quarter(rng, 0, store.Height - 0.25));
            Insert(rng.Next(4) switch
            {
                0 => OffTheFloor(rng, store, validTs),
                1 => new SensorReading(0, kind, "t-1", now + 5 * Minute + (rng.NextDouble() < 0.5 ? 1 : rng.NextInt64(1, Hour)), onFloor.X, onFloor.Y, 1, null),
                2 => new SensorReading(0, kind, "t-1", now - 7 * Day - (rng.NextDouble() < 0.5 ? 1 : rng.NextInt64(1, Day)), onFloor.X, onFloor.Y, 1, null),
                _ => new SensorReading(0, ReadingKind.TrackEnd, "t-2", now + 5 * Minute + 1, store.Width + 10, -1, 1, null),
            }, null);
        }

        // Valid edge cases: x, y are not checked for track_end and conversion; the clock's horizons are inclusive.
        if (rng.NextDouble() < 0.15 && !permuted)
        {
            Insert(new SensorReading(0, ReadingKind.TrackEnd, "t-" + rng.Next(3), validTs, -5, store.Height + 10, 0, null), null);
        }

        if (rng.NextDouble() < 0.15)
        {
            Insert(new SensorReading(0, ReadingKind.Conversion, null, validTs, store.Width * 3, -7, 12.5, null), null);
        }

        if (last && rng.NextDouble() < 0.3)
        {
            Insert(new SensorReading(0, ReadingKind.Position, "edge-future", now + 5 * Minute, 0, 0, 0, null), null);
        }

        if (last && rng.NextDouble() < 0.2 && !permuted)
        {
            Insert(new SensorReading(0, ReadingKind.Interaction, "edge-old", now - 7 * Day, store.Width - 0.25, store.Height - 0.25, 0, null), null);
        }

        if (rng.NextDouble() < 0.1)
        {
            for (var i = rng.Next(1, 3); i > 0; i--)
            {
                Insert(null, new[] { IngestError.MissingField, IngestError.UnknownType, IngestError.InvalidValue }[rng.Next(3)]);
            }
        }

        if (slots.Count == 0)
        {
            Insert(new SensorReading(0, ReadingKind.Conversion, null, now, 0, 0, 1, null), null);
        }

        var batchReadings = new List<SensorReading>();
        var parseErrors = new List<IngestError>();
        for (var i = 0; i < slots.Count; i++)
        {
            if (slots[i].Reading is { } reading)
            {
                batchReadings.Add(reading with { Index = i });
            }
            else
            {
                parseErrors.Add(new IngestError(i, slots[i].Error!, "parse"));
            }
        }

        return new SensorBatch(id, rng.NextDouble() < 0.8 ? "gw-1" : null, batchReadings.ToArray(), parseErrors.ToArray());
    }

    /// <summary>A position or interaction with a valid ts and at least one coordinate off the floor plan.</summary>
    private static SensorReading OffTheFloor(Random rng, ReferenceStore store, long ts)
    {
        var x = rng.Next(3) switch { 0 => store.Width, 1 => -0.25, _ => Quarter(rng, 0, store.Width - 0.25) };
        var y = rng.Next(3) switch { 0 => store.Height + rng.Next(0, 50), 1 => -rng.Next(1, 50), _ => Quarter(rng, 0, store.Height - 0.25) };
        if (x >= 0 && x < store.Width && y >= 0 && y < store.Height)
        {
            x = store.Width + 0.25;
        }

        return new SensorReading(0, rng.NextDouble() < 0.5 ? ReadingKind.Position : ReadingKind.Interaction, "t-0", ts, x, y, 0, null);
    }

    private async Task CreateHeatmapsAsync(Case c, int beforeBatch)
    {
        foreach (var plan in c.Plans.Where(p => p.CreateBefore == beforeBatch))
        {
            var heatmap = await Run.Grains.GetGrain<ICatalogGrain>(c.Tenant).CreateHeatmapAsync(
                new HeatmapDraft($"{plan.Type} {plan.CellSize}", c.Rng.NextDouble() < 0.5 ? c.Location.Id : c.Location.Slug,
                    Enum.GetValues<HeatmapType>().Single(t => t.WireName() == plan.Type), plan.Zone, 3600, plan.CellSize));
            c.Heatmaps.Add((heatmap, beforeBatch));
        }
    }

    private async Task SendAsync(Case c, SensorBatch batch, string what)
    {
        Trace($"  send {what} {batch.BatchId} ({batch.EventCount})");
        var expected = c.Ref.Ingest(batch, Run.Clock.GetUtcNow());
        var actual = await Run.Grains.GetGrain<ILocationGrain>(c.Location.Id).IngestAsync(c.Tenant, batch);
        Batches++;
        Events += batch.EventCount;
        if (expected.Duplicate)
        {
            Duplicates++;
        }

        Compare(c, $"{what} {batch.BatchId}", "receipt", Receipt(expected), Receipt(actual));
    }

    private static string Receipt(IngestReceipt r) =>
        $"{r.BatchId} accepted={r.Accepted} rejected={r.Rejected} duplicate={r.Duplicate} errors=[{string.Join(" ", r.Errors.Select(e => $"{e.Index}:{e.Code}"))}]";

    private async Task DeactivateAsync(Case c, string when)
    {
        var location = Run.Grains.GetGrain<ILocationGrain>(c.Location.Id);
        var roll = c.Rng.Next(3);
        if (roll != 1)
        {
            if (c.Rng.NextDouble() < 0.5)
            {
                Trace("  deactivate location");
                await Run.Cluster.DeactivateAsync(location);
            }
            else
            {
                // To the other silo, named explicitly (without a target the placement may pick the same silo).
                var target = Run.Cluster.TryGetGrainContext(location.GetGrainId(), out var context)
                    ? Run.Cluster.GetActiveSilos().First(s => s.SiloAddress != context.Address.SiloAddress).SiloAddress
                    : null;
                Trace($"  migrate location from {context?.Address.SiloAddress} to {target}");
                await Run.Cluster.MigrateAsync(location, target).WaitAsync(TimeSpan.FromSeconds(20));
            }

            Deactivations++;
        }

        if (roll != 0)
        {
            foreach (var (heatmap, _) in c.Heatmaps.Where(_ => c.Rng.NextDouble() < 0.7))
            {
                Trace("  deactivate heatmap");
                await Run.Cluster.DeactivateAsync(Run.Grains.GetGrain<IHeatmapGrain>(heatmap.Id));
                Deactivations++;
            }
        }

        // An acknowledged batch id still answers duplicate, with its first counts.
        if (c.Sent.Count > 0)
        {
            await SendAsync(c, c.Sent[c.Rng.Next(c.Sent.Count)], $"retry {when}, after deactivation");
        }
    }

    // ------------------------------------------------------------------------------------------------- queries

    private async Task CheckAsync(Case c, string when, ReferenceStore? inOrder = null)
    {
        Trace($"  check {when}");
        var rng = c.Rng;
        var store = inOrder ?? c.Ref;
        var grain = Run.Grains.GetGrain<ILocationGrain>(c.Location.Id);

        var lastUpdate = await grain.GetLastUpdateAsync(c.Tenant);
        Queries++;
        Compare(c, when, "last-update", store.NewestTs is { } newest ? DateTimeOffset.FromUnixTimeMilliseconds(newest).ToString("O") : "null",
            lastUpdate?.ToUniversalTime().ToString("O") ?? "null");

        // Traffic: every local date touched and its neighbours, every metric and interval; plus some hour=H.
        var dates = store.DatesTouched(store.TimeZone);
        if (dates.Count == 0)
        {
            dates.Add(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Run.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(store.TimeZone)).DateTime));
        }

        var queried = new SortedSet<DateOnly>(dates) { dates.Min.AddDays(-1), dates.Max.AddDays(1) };
        var queries = new List<TrafficQuery>();
        foreach (var date in queried)
        {
            foreach (var interval in Enum.GetValues<Granularity>())
            {
                foreach (var metric in Enum.GetValues<TrafficMetric>())
                {
                    if (queried.Count <= 5 || rng.NextDouble() < 0.4)
                    {
                        queries.Add(new TrafficQuery(metric, date, interval, null));
                    }
                }
            }
        }

        for (var i = 0; i < 3; i++)
        {
            queries.Add(new TrafficQuery((TrafficMetric)rng.Next(4), dates.ElementAt(rng.Next(dates.Count)),
                rng.NextDouble() < 0.5 ? Granularity.Hour : Granularity.QuarterHour, rng.Next(24)));
        }

        var answers = await Task.WhenAll(queries.Select(q => grain.GetTrafficAsync(c.Tenant, q)));
        Queries += queries.Count;
        for (var i = 0; i < queries.Count; i++)
        {
            var q = queries[i];
            Compare(c, $"{when}, {q.Metric} {q.Date:yyyy-MM-dd} {q.Interval} hour={q.Hour?.ToString() ?? "all"}", "traffic",
                Rows(store.Traffic(q)), Rows(answers[i].Select(r => (r.LocalStart, r.Count))));
        }


        // Analytics: the whole local dates touched, and a random window of whole buckets inside them.
        var local = LocalTime.Of(store.TimeZone);
        var whole = (First: local.BucketsOf(dates.Min)[0], End: local.BucketsOf(dates.Max)[^1] + 1);
        var windows = new List<(long First, long End)> { whole, RandomWindow(rng, whole) };
        foreach (var (first, end) in windows)
        {
            var actual = await grain.GetAnalyticsAsync(c.Tenant, new BucketWindow(first, end));
            Queries++;
            Compare(c, $"{when}, analytics [{Instant(first)}, {Instant(end)})", "analytics", Analytics(store.Analytics(first, end)), Analytics(actual));
        }


        // Heatmaps: whole local dates of the heatmap's zone at every granularity, and a random window.
        foreach (var (heatmap, _) in c.Heatmaps.Where(h => inOrder is null || h.Heatmap.Type != "dwell_time"))
        {
            var hmDates = store.DatesTouched(heatmap.TimeZone);
            var hmLocal = LocalTime.Of(heatmap.TimeZone);
            var hmWhole = hmDates.Count == 0
                ? (First: whole.First, End: whole.End)
                : (First: hmLocal.BucketsOf(hmDates.Min)[0], End: hmLocal.BucketsOf(hmDates.Max)[^1] + 1);
            var asks = new[] { Granularity.Hour, Granularity.Day, Granularity.Week }.Select(g => (Window: hmWhole, Granularity: g)).ToList();
            asks.Add((RandomWindow(rng, hmWhole), (Granularity)(rng.Next(3) + (int)Granularity.Hour)));
            foreach (var (window, granularity) in asks)
            {
                var data = await Run.Grains.GetHeatmapDataAsync(c.Tenant, heatmap, new BucketWindow(window.First, window.End), granularity);
                Queries++;
                var what = $"{when}, heatmap {heatmap.Type} cell {heatmap.CellSize} {heatmap.TimeZone} {granularity} [{Instant(window.First)}, {Instant(window.End)})";
                var points = store.HeatmapPoints(heatmap.Type, heatmap.CellSize, heatmap.TimeZone, window.First, window.End, granularity);
                Compare(c, what, "heatmap grid", $"{Math.Ceiling(store.Width / heatmap.CellSize)}×{Math.Ceiling(store.Height / heatmap.CellSize)}",
                    $"{data.GridWidth}×{data.GridHeight}");
                Compare(c, what, "heatmap summary", Summary(store.Summary(window.First, window.End, heatmap.TimeZone)), Summary(data.Summary));
                // Cells and counts first, then the timestamps, so one kind of disagreement does not hide the other.
                var actualPoints = data.Points.Select(p => new ReferenceStore.Point(p.Timestamp, p.X, p.Y, p.Intensity, p.Count)).ToList();
                Compare(c, what, "heatmap cells and counts", Points(points.Select(p => p with { Timestamp = default })),
                    Points(actualPoints.Select(p => p with { Timestamp = default })));
                Compare(c, what, "heatmap timestamps", Points(points), Points(actualPoints));
                var worst = points.Count == data.Points.Length
                    ? points.Zip(data.Points, (e, a) => Math.Abs(e.Intensity - a.Intensity)).DefaultIfEmpty(0).Max()
                    : 0;
                Compare(c, what, "heatmap intensity", "within 1e-9", worst <= 1e-9 ? "within 1e-9" : $"off by {worst}");
            }
        }
    }

    private static (long First, long End) RandomWindow(Random rng, (long First, long End) range)
    {
        var first = range.First + rng.NextInt64(0, range.End - range.First);
        return (first, first + rng.NextInt64(1, range.End - first + 1));
    }

    private static string Instant(long bucket) => DateTimeOffset.FromUnixTimeMilliseconds(bucket * ReferenceStore.BucketMs).ToString("yyyy-MM-dd'T'HH:mm'Z'");

    private static string Rows(IEnumerable<(DateTimeOffset Start, long Count)> rows) =>
        "[" + string.Join(", ", rows.Select(r => $"{r.Start:yyyy-MM-dd'T'HH:mmzzz}={r.Count}")) + "]";

    private static string Analytics(LocationAnalytics a) =>
        $"visitors={a.Total.Visitors} dwell_ms={a.Total.DwellMs} conversions={a.Total.Conversions} peak=[{string.Join(",", a.Total.PeakHours)}] days=[" +
        string.Join("; ", a.Days.Select(d => $"{d.Date:yyyy-MM-dd} v={d.Figures.Visitors} dwell={d.Figures.DwellMs} conv={d.Figures.Conversions} peak=[{string.Join(",", d.Figures.PeakHours)}]")) + "]";

    private static string Summary(VisitorSummary s) => $"total={s.TotalVisitors} peak_hour={s.PeakHour?.ToString() ?? "null"} busiest={s.BusiestDay?.ToString() ?? "null"}";

    private static string Points(IEnumerable<ReferenceStore.Point> points) =>
        "[" + string.Join(" ", points.Select(p => $"{p.Timestamp.UtcDateTime:yyyy-MM-dd'T'HH:mm'Z'}({p.X},{p.Y})={p.Count.ToString("0.#########", System.Globalization.CultureInfo.InvariantCulture)}")) + "]";

    private void Compare(Case c, string what, string kind, string expected, string actual)
    {
        if (expected == actual)
        {
            return;
        }

        _mismatchesByKind[kind] = _mismatchesByKind.GetValueOrDefault(kind) + 1;
        if (c.Details++ < MaxDetailsPerCase)
        {
            _failures.Add($"[seed {seed}, {c.Description}] {kind} {what}:\n    expected {Clip(expected)}\n    actual   {Clip(actual)}");
        }
    }

    private static string Clip(string text) => text.Length <= 1500 ? text : text[..1500] + "…";
}
