using System.Diagnostics;
using System.Net.Http.Json;
using HeatmapSaas.Tests.Api;
using HeatmapSaas.Tests.Support;

namespace HeatmapSaas.Tests.Operations;

/// <summary><c>/metrics</c> is OpenTelemetry's Prometheus exposition: promtool finds nothing to complain about, and
/// the product's histograms have buckets and labels.</summary>
public sealed class MetricsTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_live_scrape_passes_promtool_and_carries_histograms_with_buckets_and_labels()
    {
        var tenant = await host.CreateTenantAsync();
        var location = (await (await tenant.Http.PostAsJsonAsync("/v1/locations", new { name = "Metrics store" })).Json(201)).GetProperty("id").GetString()!;
        var ts = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var batch = $$"""{"batch_id":"metrics-1","gateway_id":"gw-m","events":[{"type":"position","track_id":"t","ts":"{{ts}}","x":1,"y":1}]}""";
        await (await tenant.Http.PostAsync($"/v1/locations/{location}/events", HttpAssertions.JsonBody(batch))).Json(202);
        await (await tenant.Http.GetAsync("/v1/heatmaps/hm_missing")).Error(404, "NOT_FOUND");

        using var client = host.Client();
        var text = await client.GetStringAsync("/metrics");

        var (exitCode, output) = await PromtoolAsync(text);
        Assert.True(exitCode == 0 && output.Length == 0, $"promtool check metrics ({exitCode}):\n{output}");
        Assert.Contains("# HELP heatmap_ingest_seconds ", text);
        Assert.Matches("heatmap_ingest_seconds_bucket\\{[^}]*outcome=\"accepted\"[^}]*le=\"0.005\"", text);
        Assert.Matches("http_server_request_duration_seconds_bucket\\{[^}]*http_route=\"/v1/heatmaps/\\{id\\}\"", text);
        Assert.Matches("http_server_request_duration_seconds_bucket\\{[^}]*http_response_status_code=\"404\"", text);
        Assert.True(MetricsText.Sum(text, "heatmap_events_accepted_total") >= 1);
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(string metrics)
    {
        var start = new ProcessStartInfo("promtool", ["check", "metrics"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool (Debian package prometheus; scripts/test.sh installs it) is missing");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await output + await errors).Trim());
    }
}
