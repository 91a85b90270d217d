using CsCheck;
using HeatmapSaas.Footfall;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Grains.Heatmaps;

namespace HeatmapSaas.Tests.Heatmaps;

/// <summary>The heatmap view's compact cells and its bounded memory: trimming and recalling never change an answer.</summary>
public class HeatmapViewTests
{
    [Fact]
    public void Compact_grid_merges_sorted_cells_and_adds_up_repeats()
    {
        var grid = new CompactGrid();
        grid.AddSorted([CompactGrid.Pack(3, 0), CompactGrid.Pack(1, 2)], [5, 7]);
        grid.AddSorted([CompactGrid.Pack(0, 0), CompactGrid.Pack(3, 0), CompactGrid.Pack(9, 9)], [1, 2, 3]);

        Assert.Equal([new GridCell(0, 0, 1), new GridCell(3, 0, 7), new GridCell(1, 2, 7), new GridCell(9, 9, 3)], grid.ToCells());
        Assert.Equal(7, grid[3, 0]);
        Assert.Equal(0, grid[4, 4]);
        Assert.Equal(7, grid.Max);
    }

    [Fact]
    public void Compact_grid_widens_a_value_past_32_bits_without_losing_the_others()
    {
        var grid = new CompactGrid();
        grid.AddSorted([CompactGrid.Pack(0, 0), CompactGrid.Pack(1, 0)], [uint.MaxValue, 4]);
        grid.AddSorted([CompactGrid.Pack(0, 0)], [10]);

        Assert.Equal(uint.MaxValue + 10L, grid[0, 0]);
        Assert.Equal(4, grid[1, 0]);
    }

    [Fact]
    public void Compact_grid_equals_a_hash_grid_fed_the_same_cells()
    {
        Gen.Int[0, 30].Select(Gen.Int[0, 30], Gen.Int[1, 1000]).Array[0, 60].Array[1, 8].Sample(batches =>
        {
            var compact = new CompactGrid();
            var hash = new IntensityGrid();
            foreach (var batch in batches)
            {
                var merged = batch.GroupBy(c => CompactGrid.Pack(c.Item1, c.Item2)).OrderBy(g => g.Key).ToArray();
                compact.AddSorted(merged.Select(g => g.Key).ToArray(), merged.Select(g => g.Sum(c => (long)c.Item3)).ToArray());
                foreach (var (x, y, v) in batch)
                {
                    hash.Add(x, y, v);
                }
            }

            Assert.Equal(hash.ToCells(), compact.ToCells());
        });
    }

    [Fact]
    public void Trimming_and_recalling_give_the_answers_of_a_view_that_keeps_everything()
    {
        // Deltas land in random buckets (late events included); the bounded view trims as time passes and recalls
        // older buckets from a "location" that knows everything, at that moment's position.
        Gen.Int[0, 40].Select(Gen.Int[0, 12], Gen.Int[0, 12], Gen.Int[1, 50]).Array[1, 6].Array[1, 40]
            .Select(Gen.Int[10, 40], Gen.Int[0, 39].Array[1, 8])
            .Sample((batches, cellSize, questions) =>
            {
                var location = new List<(long Position, BucketCells Cells)>();
                var everything = new HeatmapView(cellSize / 10 * 10, HeatmapType.CustomerFlow);
                var bounded = new HeatmapView(cellSize / 10 * 10, HeatmapType.CustomerFlow);
                everything.Fill(new GridSnapshot(0, []));
                bounded.Fill(new GridSnapshot(0, []), liveFrom: 0);
                GridSnapshot Snapshot(long position, long from, long end) => new(position, location
                    .Where(l => l.Position <= position && l.Cells.Bucket >= from && l.Cells.Bucket < end)
                    .Select(l => l.Cells).ToArray());

                long position = 0;
                var q = 0;
                foreach (var batch in batches)
                {
                    position++;
                    var changes = batch.GroupBy(c => c.Item1).Select(g => new BucketCells(g.Key,
                        g.GroupBy(c => (c.Item2, c.Item3)).OrderBy(c => c.Key.Item2).ThenBy(c => c.Key.Item1)
                            .Select(c => new CellValue(c.Key.Item1, c.Key.Item2, c.Sum(x => (long)x.Item4))).ToArray(), 1)).ToArray();
                    location.AddRange(changes.Select(c => (position, c)));
                    everything.Apply(position, changes);
                    bounded.Apply(position, changes);
                    bounded.Trim(position / 2);

                    var first = questions[q++ % questions.Length];
                    if (!bounded.Holds(first))
                    {
                        bounded.Recall(Snapshot(position, first, bounded.LiveFrom), first);
                    }

                    // Hours of four buckets from the question's first bucket to past the newest.
                    var periods = Enumerable.Range(0, (44 - first) / 4)
                        .Select(h => new LocalPeriod(DateTimeOffset.UnixEpoch.AddHours(h), new TimeBucket(first + 4 * h), 4)).ToList();
                    Assert.Equal(everything.Points(periods)!.ToPoints(), bounded.Points(periods)!.ToPoints());
                    if (q % 3 == 0)
                    {
                        bounded.ForgetRecall();
                    }
                }
            });
    }
}
