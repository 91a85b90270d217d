using System.Text.RegularExpressions;

namespace HeatmapSaas.Tests.Footfall;

/// <summary>
/// The Footfall README's code is copied from tests, as Marten's docs are: each snippet names its test, and must still
/// appear there line for line (indentation aside), so the README cannot describe an API that has gone.
/// </summary>
public partial class FootfallReadmeTests
{
    [Fact]
    public void Every_snippet_appears_word_for_word_in_the_test_it_names()
    {
        var root = Browser.DashboardHost.RepositoryRoot;
        var readme = File.ReadAllText(Path.Combine(root, "src", "Grains", "Footfall", "README.md"));
        var snippets = Snippet().Matches(readme);
        Assert.NotEmpty(snippets);
        foreach (Match snippet in snippets)
        {
            var (type, test) = (snippet.Groups["type"].Value, snippet.Groups["test"].Value);
            var source = Directory.EnumerateFiles(Path.Combine(root, "tests", "HeatmapSaas.Tests", "Footfall"), "*.cs")
                .Select(File.ReadAllText)
                .Single(text => text.Contains($"class {type}\n", StringComparison.Ordinal));
            Assert.Contains($" {test}(", source);
            Assert.Contains(Lines(snippet.Groups["code"].Value), Lines(source));
        }
    }

    private static string Lines(string code) =>
        string.Join('\n', code.Split('\n').Select(line => line.Trim()));

    [GeneratedRegex(@"\(from `(?<type>\w+)\.(?<test>\w+)`\):\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Snippet();
}
