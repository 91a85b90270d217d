using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace HeatmapSaas.Api.Operations;

/// <summary>
/// Adjusts other libraries' instruments to Prometheus' conventions, so <c>promtool check metrics</c> passes on
/// <c>/metrics</c>. The product's own instruments need nothing here: they are declared with units and descriptions.
/// </summary>
public static class MetricViews
{
    /// <summary>Gauges named <c>…count</c>, which Prometheus reserves for histograms and summaries.</summary>
    private static readonly Dictionary<string, string> Renames = new()
    {
        ["dotnet.assembly.count"] = "dotnet.assemblies.loaded",
        ["dotnet.process.cpu.count"] = "dotnet.process.cpus",
        ["dotnet.thread_pool.thread.count"] = "dotnet.thread_pool.threads",
        ["dotnet.timer.count"] = "dotnet.timers",
        ["process.thread.count"] = "process.threads",
        ["process.unix.file_descriptor.count"] = "process.unix.file_descriptors",
    };

    private static readonly string[] CamelCaseLabelled = ["orleans-streams-", "orleans-messaging-"];

    public static MetricStreamConfiguration? ForPrometheus(Instrument instrument)
    {
        if (Renames.TryGetValue(instrument.Name, out var name))
        {
            return new MetricStreamConfiguration { Name = name };
        }

        if (instrument.Meter.Name != "Microsoft.Orleans")
        {
            return null;
        }

        // Orleans records some latencies in milliseconds and memory in megabytes; Prometheus wants seconds and
        // bytes, and a view cannot rescale. The product's own seconds histograms (HTTP, ingest, push) cover those.
        if (instrument.Unit is "ms" or "MB")
        {
            return MetricStreamConfiguration.Drop;
        }

        return new MetricStreamConfiguration
        {
            Description = string.IsNullOrEmpty(instrument.Description) ? $"Orleans' {instrument.Name} ({instrument.Unit ?? "count"})." : null,
            // Orleans' stream-queue and message-size labels are camelCase, which Prometheus refuses; those series sum
            // over them. (The message sizes appear only once such a message was received, so a scrape may lack them.)
            TagKeys = CamelCaseLabelled.Any(prefix => instrument.Name.StartsWith(prefix, StringComparison.Ordinal)) ? [] : null,
        };
    }
}
