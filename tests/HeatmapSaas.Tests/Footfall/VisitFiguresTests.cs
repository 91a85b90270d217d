using HeatmapSaas.Footfall;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>The analytics figures derived from counts, rounded as seed 000 shows them.</summary>
public sealed class VisitFiguresTests
{
    [Fact]
    public void Duration_and_conversion_rate_round_half_away_from_zero()
    {
        var figures = new VisitFigures(Visitors: 32, DwellMs: 32 * 90_300, Conversions: 1, PeakHours: []);

        Assert.Equal(1.51m, figures.AverageDurationMinutes); // 1.505 minutes
        Assert.Equal(0.0313m, figures.ConversionRate); // 0.03125
    }

    [Fact]
    public void Without_visitors_both_are_zero()
    {
        var figures = new VisitFigures(0, 0, 0, []);

        Assert.Equal(0m, figures.AverageDurationMinutes);
        Assert.Equal(0m, figures.ConversionRate);
    }
}
