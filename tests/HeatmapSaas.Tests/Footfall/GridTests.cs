using CsCheck;
using HeatmapSaas.Grains.Footfall;
using static HeatmapSaas.Tests.Footfall.FootfallKit;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>The three base grids: which events add what to which 10-unit cell of which bucket.</summary>
public class GridTests
{
    [Theory]
    [InlineData(0, 0, 0, 0)]
    [InlineData(9.999, 9.999, 0, 0)]
    [InlineData(10, 10, 1, 1)]
    [InlineData(15, 27, 1, 2)]
    [InlineData(999.9, 0.5, 99, 0)]
    public void Customer_flow_adds_one_per_position_sample_to_cell_floor_of_x_and_y_over_ten(double x, double y, int cx, int cy)
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("a", 0, x, y), Pos("b", 1, x, y));

        var grid = ledger.GridOf(B0, HeatmapType.CustomerFlow);
        Assert.Equal(2, grid[cx, cy]);
        Assert.Equal(1, grid.Count);
    }

    [Fact]
    public void Dwell_time_adds_the_time_since_the_tracks_previous_sample_capped_at_five_seconds()
    {
        var ledger = NewLedger();
        ledger.Feed(
            Pos("t", 0, 5, 5),      // first sample: 0
            Pos("t", 2, 15, 5),     // 2 s
            Pos("t", 9, 25, 5),     // 7 s, capped to 5
            Pos("t", 9.5, 25, 5),   // 0.5 s
            Pos("t", 9.5, 35, 5));  // 0 s

        var grid = ledger.GridOf(B0, HeatmapType.DwellTime);
        Assert.Equal(0, grid[0, 0]);
        Assert.Equal(2_000, grid[1, 0]);
        Assert.Equal(5_500, grid[2, 0]);
        Assert.Equal(0, grid[3, 0]);
        Assert.Equal(2, grid.Count); // a sample that adds nothing leaves its cell empty
    }

    [Fact]
    public void Dwell_time_is_measured_per_track_and_only_from_position_samples()
    {
        var ledger = NewLedger();
        ledger.Feed(
            Pos("a", 0, 5, 5),
            Pos("b", 1, 55, 55),
            Tap("a", 2, 5, 5),      // an interaction is not a sample
            Pos("a", 3, 5, 5),      // 3 s since a's previous sample
            Pos("b", 4, 55, 55));   // 3 s since b's previous sample

        var grid = ledger.GridOf(B0, HeatmapType.DwellTime);
        Assert.Equal(3_000, grid[0, 0]);
        Assert.Equal(3_000, grid[5, 5]);
        Assert.Equal(4, ledger.GridOf(B0, HeatmapType.CustomerFlow).Total);
    }

    [Fact]
    public void A_new_track_with_a_reused_id_starts_its_dwell_time_from_zero()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("t", 0), End("t", 1), Pos("t", 2));

        Assert.True(ledger.GridOf(B0, HeatmapType.DwellTime).IsEmpty);
    }

    [Fact]
    public void A_sample_that_arrives_after_a_newer_one_of_its_track_adds_no_dwell_time()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("t", 0, 5, 5), Pos("t", 4, 5, 5));
        ledger.Feed(Pos("t", 2, 15, 5));

        var grid = ledger.GridOf(B0, HeatmapType.DwellTime);
        Assert.Equal(4_000, grid[0, 0]);
        Assert.Equal(0, grid[1, 0]);
        Assert.Equal(1, ledger.GridOf(B0, HeatmapType.CustomerFlow)[1, 0]);
    }

    [Fact]
    public void Interactions_add_one_per_interaction_event_and_positions_do_not_touch_that_grid()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("a", 0, 40, 40), Tap("a", 1, 41, 42), Tap("a", 2, 49, 49), Tap("b", 3, 0, 0));

        var grid = ledger.GridOf(B0, HeatmapType.Interactions);
        Assert.Equal(2, grid[4, 4]);
        Assert.Equal(1, grid[0, 0]);
        Assert.Equal(2, grid.Count);
        Assert.Equal(1, ledger.GridOf(B0, HeatmapType.CustomerFlow).Total);
    }

    [Fact]
    public void Samples_go_to_the_bucket_of_their_own_ts()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("t", 15 * 60 - 1), Pos("t", 15 * 60 + 1));

        Assert.Equal(1, ledger.GridOf(B0, HeatmapType.CustomerFlow).Total);
        Assert.Equal(1, ledger.GridOf(B0 + 1, HeatmapType.CustomerFlow).Total);
        Assert.Equal(2_000, ledger.GridOf(B0 + 1, HeatmapType.DwellTime).Total);
    }

    [Fact]
    public void The_effect_carries_grid_increments_and_sample_counts_per_bucket_and_type()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("t", 0, 5, 5));

        var effect = ledger.Feed(Pos("t", 1, 5, 5), Pos("u", 2, 15, 5), Tap("t", 3, 5, 5));

        Assert.Equal([HeatmapType.CustomerFlow, HeatmapType.DwellTime, HeatmapType.Interactions], effect.Grids.Select(g => g.Type).ToArray());
        var flow = effect.Grids[0];
        Assert.Equal(B0, flow.Bucket);
        Assert.Equal(2, flow.Samples);
        Assert.Equal([new GridCell(0, 0, 1), new GridCell(1, 0, 1)], flow.Added.ToCells());
        Assert.Equal([new GridCell(0, 0, 1_000)], effect.Grids[1].Added.ToCells());
        // Summed per type as a heatmap grain sums its changes' samples for new_data_points.
        long SamplesOf(HeatmapType type) => effect.Grids.Where(g => g.Type == type).Sum(g => (long)g.Samples);
        Assert.Equal(2, SamplesOf(HeatmapType.DwellTime)); // u's first sample added 0 but is still new data
        Assert.Equal(1, SamplesOf(HeatmapType.Interactions));
        Assert.Equal(2, ledger.GridOf(B0, HeatmapType.CustomerFlow)[0, 0]); // the live grid holds the total
    }

    [Fact]
    public void Grids_between_buckets_sum_the_range_at_any_cell_size()
    {
        var ledger = NewLedger();
        ledger.Feed(Pos("a", 0, 5, 5), Pos("b", 15 * 60, 25, 5), Pos("c", 30 * 60, 95, 95));

        var firstTwo = ledger.GridBetween(HeatmapType.CustomerFlow, B0, B0 + 2);
        Assert.Equal([new GridCell(0, 0, 1), new GridCell(2, 0, 1)], firstTwo.ToCells());

        var coarse = ledger.GridBetween(HeatmapType.CustomerFlow, B0, B0 + 3, cellSize: 30);
        Assert.Equal(30, coarse.CellSize);
        Assert.Equal([new GridCell(0, 0, 2), new GridCell(3, 3, 1)], coarse.ToCells());
    }
}

/// <summary>The sparse grid itself.</summary>
public class IntensityGridTests
{
    [Fact]
    public void Folding_into_coarser_cells_sums_the_fine_cells_inside_each_coarse_cell()
    {
        var grid = new IntensityGrid();
        grid.Add(0, 0, 1);
        grid.Add(1, 1, 2);
        grid.Add(2, 2, 3);
        grid.Add(3, 0, 4);
        grid.Add(5, 5, 5);

        IntensityGrid Fold(int cellSize)
        {
            var coarse = new IntensityGrid(cellSize);
            coarse.AddAll(grid);
            return coarse;
        }

        var coarse = Fold(30);

        Assert.Equal(30, coarse.CellSize);
        Assert.Equal([new GridCell(0, 0, 6), new GridCell(1, 0, 4), new GridCell(1, 1, 5)], coarse.ToCells());
        Assert.Equal(grid.Total, coarse.Total);
        Assert.Equal(15, Fold(1000).Total);
        Assert.Equal(grid.ToCells(), Fold(10).ToCells());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(-10)]
    public void Cell_sizes_are_positive_multiples_of_ten(int cellSize)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new IntensityGrid(cellSize));
    }

    [Fact]
    public void A_grid_cannot_be_folded_into_cells_that_are_not_a_multiple_of_its_own()
    {
        Assert.Throws<ArgumentException>(() => new IntensityGrid(30).AddAll(new IntensityGrid(20)));
        Assert.Throws<ArgumentException>(() => new IntensityGrid(20).AddAll(new IntensityGrid(30)));
    }

    [Fact]
    public void Cells_list_by_row_then_column()
    {
        var grid = new IntensityGrid();
        grid.Add(5, 1, 1);
        grid.Add(0, 2, 1);
        grid.Add(1, 1, 1);
        grid.Add(3, 0, 1);

        Assert.Equal([(3, 0), (1, 1), (5, 1), (0, 2)], grid.ToCells().Select(c => (c.X, c.Y)).ToArray());
    }

    [Fact]
    public void Values_only_grow_and_zero_leaves_a_cell_empty()
    {
        var grid = new IntensityGrid();
        grid.Add(1, 1, 0);
        Assert.True(grid.IsEmpty);
        Assert.Throws<ArgumentOutOfRangeException>(() => grid.Add(1, 1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => grid.Add(-1, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => grid.Add(0, IntensityGrid.MaxCell + 1, 1));
        Assert.Throws<InvalidOperationException>(() => IntensityGrid.Empty.Add(0, 0, 1));
    }

    [Fact]
    public void Cell_of_clamps_coordinates_outside_the_floor_instead_of_failing()
    {
        Assert.Equal(0, IntensityGrid.CellOf(-3));
        Assert.Equal(0, IntensityGrid.CellOf(double.NaN));
        Assert.Equal(IntensityGrid.MaxCell, IntensityGrid.CellOf(1e12));
        Assert.Equal(3, IntensityGrid.CellOf(95, 30));
    }

    [Fact]
    public void The_grid_agrees_with_a_dictionary_through_growth_and_a_round_trip()
    {
        Gen.Select(Gen.Int[0, 400], Gen.Int[0, 400], Gen.Long[1, 10_000]).Array[0, 3_000].Sample(adds =>
        {
            var grid = new IntensityGrid();
            var expected = new Dictionary<(int, int), long>();
            foreach (var (x, y, amount) in adds)
            {
                grid.Add(x, y, amount);
                expected[(x, y)] = expected.GetValueOrDefault((x, y)) + amount;
            }

            Assert.Equal(expected.Count, grid.Count);
            foreach (var ((x, y), value) in expected)
            {
                Assert.Equal(value, grid[x, y]);
            }

            Assert.Equal(expected.Values.DefaultIfEmpty().Max(), grid.Max);
            Assert.Equal(grid.ToCells(), grid.Clone().ToCells());

            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                grid.WriteTo(writer);
            }

            stream.Position = 0;
            using var reader = new BinaryReader(stream);
            var read = IntensityGrid.ReadFrom(reader);
            Assert.Equal(grid.CellSize, read.CellSize);
            Assert.Equal(grid.ToCells(), read.ToCells());
        }, iter: 200);
    }
}
