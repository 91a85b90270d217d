using System.Text.RegularExpressions;

namespace HeatmapSaas.Tests.Architecture;

/// <summary>
/// Grains call in one direction (docs/architecture.md, "Who calls whom"): read from the grains' source, the graph of
/// which grain interface calls which has no cycle, so no call can wait on a grain that is waiting on it.
/// </summary>
public sealed partial class GrainCallGraphTests
{
    [Fact]
    public void No_grain_calls_a_grain_that_can_call_it_back()
    {
        var root = Browser.DashboardHost.RepositoryRoot;
        var calls = new Dictionary<string, HashSet<string>>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src", "Grains"), "*Grain.cs", SearchOption.AllDirectories))
        {
            var source = File.ReadAllText(file);
            if (Implements().Match(source) is not { Success: true } grain)
            {
                continue;
            }

            var callees = calls.TryGetValue(grain.Groups[1].Value, out var known) ? known : calls[grain.Groups[1].Value] = [];
            callees.UnionWith(Calls().Matches(source).Select(m => m.Groups[1].Value));
        }

        Assert.Contains("ILocationGrain", calls["ICatalogGrain"]);
        Assert.Contains("IHeatmapGrain", calls["ILocationGrain"]);
        foreach (var start in calls.Keys)
        {
            Assert.True(CycleFrom(start, start, calls, []) is null,
                $"grain calls go round: {string.Join(" → ", CycleFrom(start, start, calls, []) ?? [])}");
        }
    }

    private static List<string>? CycleFrom(string start, string at, Dictionary<string, HashSet<string>> calls, HashSet<string> seen)
    {
        foreach (var next in calls.GetValueOrDefault(at) ?? [])
        {
            if (next == start)
            {
                return [at, next];
            }

            if (seen.Add(next) && CycleFrom(start, next, calls, seen) is { } rest)
            {
                return [at, .. rest];
            }
        }

        return null;
    }

    [GeneratedRegex(@"class \w+Grain\b[^{]*?:\s*Grain(?:<[^>]*>)?\s*,\s*(I\w+Grain)\b", RegexOptions.Singleline)]
    private static partial Regex Implements();

    [GeneratedRegex(@"GetGrain<(I\w+Grain)>")]
    private static partial Regex Calls();
}
