using Xunit.Abstractions;

namespace HeatmapSaas.Tests.Model;

/// <summary>
/// The ingest issue's randomized model test: random stores, visits, batch cuts, retries and invalid events through
/// the real cluster, every answer (receipts, traffic, analytics, heatmap data and summary, last-update) compared with
/// <see cref="ReferenceStore"/>. Seeded: MODEL_SEED replays a run, MODEL_CASES changes the number of cases per epoch,
/// MODEL_TRACE names a file to log progress to.
/// </summary>
[Trait("Category", "Slow")]
public sealed class IngestModelTests(ITestOutputHelper output)
{
    internal static int Seed(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("MODEL_SEED"), out var seed) ? seed : fallback;

    internal static int CasesPerEpoch(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("MODEL_CASES"), out var cases) ? cases : fallback;

    [Fact]
    public async Task Random_stores_answer_as_the_reference_model()
    {
        var scenario = new ModelScenario(Seed(20251225), deactivations: false);
        for (var epoch = 0; epoch < ModelScenario.Epochs.Length; epoch++)
        {
            await scenario.RunEpochAsync(epoch, CasesPerEpoch(48));
        }

        output.WriteLine(scenario.Report());
        Assert.False(scenario.Failed, scenario.Report());
    }

    /// <summary>
    /// Tracks follow event time: the batches of each case, sent in a random order within the reorder window, give the
    /// answers of the same batches sent in ts order on every route (dwell-time heatmaps aside: a late sample adds 0).
    /// </summary>
    [Fact]
    public async Task Batches_sent_in_any_order_within_the_reorder_window_answer_as_in_ts_order()
    {
        var scenario = new ModelScenario(Seed(20251225) + 2, deactivations: false, permuted: true);
        await scenario.RunEpochAsync(0, CasesPerEpoch(48) / 2);
        await scenario.RunEpochAsync(3, CasesPerEpoch(48) / 2);
        output.WriteLine(scenario.Report());
        Assert.False(scenario.Failed, scenario.Report());
    }
}
