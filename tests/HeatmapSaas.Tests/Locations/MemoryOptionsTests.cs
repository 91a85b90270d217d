using HeatmapSaas.Grains;
using Microsoft.Extensions.Configuration;

namespace HeatmapSaas.Tests.Locations;

/// <summary>The memory windows read from <c>Heatmap:Memory</c>, and still from the keys they had before.</summary>
public sealed class MemoryOptionsTests
{
    [Fact]
    public void Earlier_keys_are_still_read_and_the_memory_section_wins_over_them()
    {
        var options = Bound(new()
        {
            ["Heatmap:Ingest:LiveWindow"] = "3.00:00:00",
            ["Heatmap:Ingest:GridWindow"] = "02:00:00",
            ["Heatmap:Live:RecallIdle"] = "00:05:00",
            ["Heatmap:Memory:GridWindow"] = "04:00:00",
        });

        Assert.Equal(TimeSpan.FromDays(3), options.LiveWindow);
        Assert.Equal(TimeSpan.FromHours(4), options.GridWindow);
        Assert.Equal(TimeSpan.FromDays(1), options.HeatmapWindow);
        Assert.Equal(TimeSpan.FromMinutes(5), options.RecallIdle);
    }

    [Fact]
    public void Without_settings_the_defaults_hold()
    {
        var options = Bound([]);

        Assert.Equal(TimeSpan.FromDays(2), options.LiveWindow);
        Assert.Equal(TimeSpan.FromHours(1), options.GridWindow);
    }

    private static MemoryOptions Bound(Dictionary<string, string?> settings)
    {
        var options = new MemoryOptions();
        MemoryOptions.Bind(options, new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return options;
    }
}
