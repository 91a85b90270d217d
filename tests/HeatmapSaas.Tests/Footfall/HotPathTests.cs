using HeatmapSaas.Grains.Footfall;
using static HeatmapSaas.Tests.Footfall.FootfallKit;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>Apply runs at 100k+ events/s per location: it must not allocate per event.</summary>
public class HotPathTests
{
    private const int BatchSize = 10_000;

    /// <summary>500 people walking a 200 × 150 shop floor (300 cells), each sampled every 0.5 s, cut into batches.</summary>
    private static SensorEvent[][] Batches(int count, bool reversed)
    {
        var ids = Enumerable.Range(0, 500).Select(i => $"person-{i}").ToArray();
        var batches = new SensorEvent[count][];
        var n = 0L;
        for (var b = 0; b < count; b++)
        {
            var batch = new SensorEvent[BatchSize];
            for (var i = 0; i < BatchSize; i++, n++)
            {
                var kind = n % 10 == 0 ? SensorEventKind.Interaction : SensorEventKind.Position;
                batch[i] = new SensorEvent(kind, ids[n % ids.Length], Ms(n / 1000.0), n * 7 % 200, n * 13 % 150);
            }

            if (reversed)
            {
                Array.Reverse(batch);
            }

            batches[b] = batch;
        }

        return batches;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Applying_a_batch_allocates_per_batch_not_per_event(bool reversed)
    {
        var ledger = NewLedger();
        var batches = Batches(12, reversed);
        foreach (var warmUp in batches[..2])
        {
            ledger.Apply(warmUp, Wall);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var batch in batches[2..])
        {
            ledger.Apply(batch, Wall);
        }

        var perBatch = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;

        // The effect's grids and lists, a few tens of KB; one small object per event would already be 240 KB.
        Assert.True(perBatch < 120_000, $"{perBatch:N0} bytes per batch of {BatchSize:N0} events");
        Assert.Equal(500, ledger.Occupancy);
    }
}
