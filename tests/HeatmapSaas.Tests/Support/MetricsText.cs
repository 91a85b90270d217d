using System.Globalization;

namespace HeatmapSaas.Tests.Support;

/// <summary>Reads values from a <c>/metrics</c> scrape (Prometheus text format, as OpenTelemetry writes it).</summary>
public static class MetricsText
{
    /// <summary>The sum of every series of the sample <paramref name="name"/> whatever its labels; 0 when the
    /// instrument has recorded nothing yet (OpenTelemetry writes no series then).</summary>
    public static double Sum(string text, string name) => text.Split('\n')
        .Where(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
