using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace HeatmapSaas.Api.Operations;

/// <summary>
/// Listens to every instrument named <c>heatmap_*</c> (whatever meter publishes it) and renders the totals in the
/// Prometheus text format: counters and up-down counters as their sums, histograms as <c>_count</c> and <c>_sum</c>.
/// </summary>
public sealed class PrometheusText : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Total> _totals = new();

    public PrometheusText()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name.StartsWith("heatmap_", StringComparison.Ordinal))
            {
                _totals.TryAdd(instrument.Name, new Total(instrument is Histogram<double> or Histogram<long>, instrument is UpDownCounter<long> ? "gauge" : "counter"));
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals[instrument.Name].Add(value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => _totals[instrument.Name].Add(value));
        _listener.Start();
    }

    public string Render(IReadOnlyDictionary<string, double> gauges)
    {
        var text = new StringBuilder();
        foreach (var (name, total) in _totals.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (total.IsHistogram)
            {
                text.Append("# TYPE ").Append(name).Append(" summary\n");
                text.Append(name).Append("_count ").Append(Format(total.Count)).Append('\n');
                text.Append(name).Append("_sum ").Append(Format(total.Sum)).Append('\n');
            }
            else
            {
                text.Append("# TYPE ").Append(name).Append(' ').Append(total.Kind).Append('\n');
                text.Append(name).Append(' ').Append(Format(total.Sum)).Append('\n');
            }
        }

        foreach (var (name, value) in gauges)
        {
            text.Append("# TYPE ").Append(name).Append(" gauge\n").Append(name).Append(' ').Append(Format(value)).Append('\n');
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private sealed class Total(bool isHistogram, string kind)
    {
        private readonly Lock _gate = new();

        public bool IsHistogram { get; } = isHistogram;
        public string Kind { get; } = kind;
        public double Sum { get; private set; }
        public long Count { get; private set; }

        public void Add(double value)
        {
            lock (_gate)
            {
                Sum += value;
                Count++;
            }
        }
    }
}
