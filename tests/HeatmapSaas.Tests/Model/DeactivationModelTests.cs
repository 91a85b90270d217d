using Xunit.Abstractions;

namespace HeatmapSaas.Tests.Model;

/// <summary>
/// The same model with location and heatmap grains deactivated (or migrated to another silo) mid-stream: answers
/// stay as the reference says, and batch ids acknowledged before a deactivation still answer duplicate.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DeactivationModelTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Deactivated_grains_come_back_with_the_same_answers_and_remember_batch_ids()
    {
        var scenario = new ModelScenario(IngestModelTests.Seed(20251225) + 1, deactivations: true);
        await scenario.RunEpochAsync(1, IngestModelTests.CasesPerEpoch(48) / 2);
        await scenario.RunEpochAsync(4, IngestModelTests.CasesPerEpoch(48) / 2);
        output.WriteLine(scenario.Report());
        Assert.False(scenario.Failed, scenario.Report());
    }
}
