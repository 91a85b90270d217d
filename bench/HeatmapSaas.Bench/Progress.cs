using System.Diagnostics;
using System.Globalization;

namespace HeatmapSaas.Bench;

/// <summary>
/// One progress line on stderr: the phase, done/total, rate and elapsed time, redrawn a few times a second on a
/// terminal (a line every few seconds when stderr is a file or a pipe). Safe to <see cref="Set"/> from any thread.
/// </summary>
public sealed class Progress : IDisposable
{
    private readonly TextWriter _err = Console.Error;
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly Stopwatch _total = Stopwatch.StartNew();
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private string? _phase;
    private long _done;
    private long _goal;
    private long _phaseStarted;
    private long _lastPrinted;
    private int _width;

    public Progress()
    {
        _timer = new Timer(_ => Draw(final: false), null, 200, 200);
    }

    public void Start(string phase, long goal = 0)
    {
        lock (_lock)
        {
            EndLine();
            (_phase, _goal, _done, _phaseStarted, _lastPrinted) = (phase, goal, 0, Stopwatch.GetTimestamp(), Stopwatch.GetTimestamp());
        }

        Draw(final: false, force: true);
    }

    public void Set(long done) => Interlocked.Exchange(ref _done, done);

    public void Add(long delta) => Interlocked.Add(ref _done, delta);

    public void Finish(string? result = null)
    {
        lock (_lock)
        {
            if (_phase is null)
            {
                return;
            }

            Draw(final: true, result: result);
            _phase = null;
        }
    }

    /// <summary>A message on its own line, above the progress line.</summary>
    public void Note(string message)
    {
        lock (_lock)
        {
            EndLine();
            _err.WriteLine($"[{_total.Elapsed:mm\\:ss}] {message}");
        }
    }

    private void Draw(bool final, bool force = false, string? result = null)
    {
        lock (_lock)
        {
            if (_phase is null)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            if (!final && !force && !_interactive && Stopwatch.GetElapsedTime(_lastPrinted, now) < TimeSpan.FromSeconds(5))
            {
                return;
            }

            _lastPrinted = now;
            var elapsed = Stopwatch.GetElapsedTime(_phaseStarted, now);
            var done = Interlocked.Read(ref _done);
            var text = $"[{_total.Elapsed:mm\\:ss}] {_phase}";
            if (_goal > 0)
            {
                var rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
                text += string.Create(CultureInfo.InvariantCulture,
                    $" {done,12:N0}/{_goal:N0} ({100.0 * done / _goal,5:F1}%) {rate,10:N0}/s");
            }

            text += $" {elapsed.TotalSeconds,6:F1}s";
            if (result is not null)
            {
                text += "  " + result;
            }

            if (_interactive)
            {
                _err.Write("\r" + text.PadRight(_width));
                _width = text.Length;
                if (final)
                {
                    _err.WriteLine();
                    _width = 0;
                }
            }
            else
            {
                _err.WriteLine(text);
            }
        }
    }

    private void EndLine()
    {
        if (_interactive && _width > 0)
        {
            _err.WriteLine();
            _width = 0;
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        Finish();
    }
}
