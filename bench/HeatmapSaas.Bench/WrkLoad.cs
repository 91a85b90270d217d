using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace HeatmapSaas.Bench;

/// <summary>
/// The fleet's gateways as a separate process: <c>wrk</c> with <c>fleet.lua</c> (the same batches as
/// <see cref="FleetLoad"/>: 20 positions of a store's four visitors, stores in turn, a new batch id each), so the
/// clients cost the server little CPU and none of its process. Latencies are wrk's own distribution.
/// </summary>
public sealed class WrkLoad(Uri baseAddress, string? apiKey, string pathPrefix, int stores, int connections) : IFleetLoad
{
    private const string ResultPrefix = "FLEET ";
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "fleet.lua");
    private int _runs;

    public async Task<FleetTraffic> RunAsync(TimeSpan duration, bool measure)
    {
        // wrk's threads only send and parse; two keep up with 32 connections here without taking a core of their own.
        var threads = Math.Min(2, connections);
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                     "-d", $"{Math.Max(1, (int)Math.Round(duration.TotalSeconds))}s", "--timeout", "30s", "--latency", "-s", Script,
                 })
        {
            start.ArgumentList.Add(arg);
        }

        if (apiKey is not null)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add($"Authorization: Bearer {apiKey}");
        }

        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        start.ArgumentList.Add("--");
        start.ArgumentList.Add(stores.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(threads.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add($"r{Interlocked.Increment(ref _runs)}");
        start.ArgumentList.Add(pathPrefix);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk exited {process.ExitCode} without a result: {stdout}{await stderr}");
        using var result = JsonDocument.Parse(line[ResultPrefix.Length..]);
        var root = result.RootElement;
        var requests = root.GetProperty("requests").GetInt64();
        var failed = root.GetProperty("failed").GetInt64();
        var first = root.GetProperty("first_failure").GetString();
        return new FleetTraffic(requests - Math.Min(requests, failed), failed, root.GetProperty("duration_us").GetInt64() / 1e6,
            root.GetProperty("p50_us").GetInt64() / 1e3, root.GetProperty("p99_us").GetInt64() / 1e3, string.IsNullOrEmpty(first) ? null : first);
    }
}
