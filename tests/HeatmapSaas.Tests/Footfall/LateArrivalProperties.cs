using CsCheck;
using HeatmapSaas.Grains.Footfall;
using static HeatmapSaas.Tests.Footfall.FootfallKit;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>
/// Gateways' batches interleave, so events arrive somewhat out of ts order. As long as no event is later than the
/// track timeout (less the visit's sampling gap), the counts come out as if everything had arrived in ts order:
/// late events extend their track, move first_seen (and the track's bucket) back, and never split a visit.
/// </summary>
public class LateArrivalProperties
{
    private const int Timeout = 30;
    private const int MaxLatenessMs = 20_000;      // with samples ≤ 2 s apart: 22 s, inside the 30 s timeout
    private static readonly LocationRules Rules = new(1000, 1000, Timeout);

    /// <summary>Visits with unique ids, sampled every ≤ 2 s, starting within 5 minutes either side of a bucket boundary.</summary>
    private static readonly Gen<SensorEvent[]> Visits =
        Gen.Select(Gen.Int[-300_000, 300_000], Gen.Int[0, 2_000].Array[0, 15], Gen.Int[0, 3], Gen.Int[0, 19], Gen.Int[0, 19])
            .Array[1, 30]
            .Select(visits =>
            {
                var events = new List<SensorEvent>();
                for (var v = 0; v < visits.Length; v++)
                {
                    var (start, gaps, tapEvery, x, y) = visits[v];
                    var ts = Ms(0) + start;
                    var id = "visit-" + v;
                    events.Add(new SensorEvent(SensorEventKind.Position, id, ts, x * 10 + 1, y * 10 + 1));
                    for (var i = 0; i < gaps.Length; i++)
                    {
                        ts += gaps[i];
                        var kind = tapEvery > 0 && i % tapEvery == 0 ? SensorEventKind.Interaction : SensorEventKind.Position;
                        events.Add(new SensorEvent(kind, id, ts, (x + i) % 20 * 10 + 1, y * 10 + 1));
                    }

                    if (v % 4 == 0)
                    {
                        events.Add(new SensorEvent(SensorEventKind.Conversion, id, ts + 500, Value: 2m));
                    }
                }

                return events.OrderBy(e => e.TsMs).ToArray();
            });

    [Fact]
    public void Events_late_by_less_than_the_timeout_count_as_if_they_had_arrived_in_order()
    {
        Gen.Select(Visits, Gen.Int, Gen.Int[1, 25].Array[1, 10]).Sample((inOrder, seed, cuts) =>
        {
            // Each event arrives up to MaxLatenessMs after its ts: every event older than that has arrived first.
            var random = new Random(seed);
            var arrival = inOrder.Select(e => (Key: e.TsMs + random.Next(MaxLatenessMs + 1), Event: e))
                .OrderBy(a => a.Key).Select(a => a.Event).ToArray();

            var expected = new FootfallLedger(Rules);
            expected.Apply(inOrder, Wall);
            var actual = new FootfallLedger(Rules);
            for (int at = 0, i = 0; at < arrival.Length; i++)
            {
                var size = Math.Min(cuts[i % cuts.Length], arrival.Length - at);
                actual.Apply(arrival.AsSpan(at, size), Wall);
                at += size;
            }

            Assert.Equal(Picture(expected, withDwellGrid: false), Picture(actual, withDwellGrid: false));

            // A sample that arrives after a newer one of its track adds no dwell time, so late arrivals can only
            // make the dwell-time grid smaller, never larger.
            var sortedDwell = expected.GridBetween(HeatmapType.DwellTime, B0 - 100, B0 + 100).Total;
            var lateDwell = actual.GridBetween(HeatmapType.DwellTime, B0 - 100, B0 + 100).Total;
            Assert.InRange(lateDwell, 0, sortedDwell);
        }, iter: 300);
    }

    private static string Picture(FootfallLedger ledger, bool withDwellGrid) => Render(
        ledger.Occupancy,
        ledger.NewestTsMs,
        ledger.OpenTracks(),
        ledger.LiveBuckets().Select(b => (b.Time, b.Counts, HeatmapTypes.All
            .Select(t => t == HeatmapType.DwellTime && !withDwellGrid ? IntensityGrid.Empty : b.Grid(t)).ToArray())));
}
