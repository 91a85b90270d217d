using System.Diagnostics;
using System.Net.Http.Json;
using HeatmapSaas.Tests.Api;

namespace HeatmapSaas.Tests.Contract;

/// <summary>The seeds' examples in examples/ run against the embedded server, as a user would run them.</summary>
[Trait("Category", "Slow")]
public sealed class ExamplesTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly string Examples = Path.Combine(Directory.GetParent(ContractTools.Directory)!.Parent!.FullName, "examples");

    private async Task<Dictionary<string, string>> DemoStoreAsync()
    {
        var tenant = await host.CreateTenantAsync();
        var location = await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Demo Store", slug = "demo-store", timezone = "America/New_York" })).Json(201);
        return new Dictionary<string, string>
        {
            ["HEATMAP_BASE_URL"] = new Uri(host.BaseAddress, "/v1").ToString(),
            ["HEATMAP_API_KEY"] = tenant.ApiKey,
            ["HEATMAP_LOCATION"] = location.GetProperty("slug").GetString()!,
        };
    }

    [Theory]
    [InlineData("python3", "heatmaps.py")]
    [InlineData("node", "heatmaps.mjs")]
    public async Task Seed_000_example_creates_a_heatmap_and_reads_its_data(string runtime, string script)
    {
        var (exitCode, output) = await RunAsync(runtime, Path.Combine(Examples, script), await DemoStoreAsync());
        Assert.True(exitCode == 0, output);
        Assert.Matches(@"Created heatmap: hm_\S+", output);
        Assert.Contains("Total visitors: 0", output);
    }

    [Fact]
    public async Task Seed_002_curl_calls_answer_the_traffic_counts_and_locations()
    {
        var (exitCode, output) = await RunAsync("bash", Path.Combine(Examples, "traffic.sh"), await DemoStoreAsync());
        Assert.True(exitCode == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.All(lines.Take(4), l => Assert.Equal("[]", l));
        Assert.Contains("\"slug\":\"demo-store\"", lines[4]);
        Assert.Equal("""[{"last-update":null}]""", lines[5]);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string runtime, string script, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(runtime) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }
}
