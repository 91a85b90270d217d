using System.Diagnostics.Metrics;
using HeatmapSaas.Api.Operations;

namespace HeatmapSaas.Tests.Operations;

/// <summary>Orleans' camelCase labels never reach <c>/metrics</c>, whichever of its instruments has recorded by then.</summary>
public sealed class MetricViewsTests
{
    [Theory]
    [InlineData("orleans-messaging-received-messages-size")]
    [InlineData("orleans-messaging-sent-messages-size")]
    [InlineData("orleans-streams-queue-read-duration")]
    public void Orleans_instruments_with_camel_case_labels_are_summed_over_them(string name)
    {
        using var meter = new Meter("Microsoft.Orleans");
        var view = MetricViews.ForPrometheus(meter.CreateHistogram<long>(name, "By"));
        Assert.NotNull(view);
        Assert.Empty(view.TagKeys!);
    }

    [Fact]
    public void Other_orleans_instruments_keep_their_labels()
    {
        using var meter = new Meter("Microsoft.Orleans");
        Assert.Null(MetricViews.ForPrometheus(meter.CreateCounter<long>("orleans-grains"))!.TagKeys);
    }
}
