using System.Diagnostics;

namespace HeatmapSaas.Bench;

/// <summary>
/// Holds a sender to a steady rate: before sending, wait until the events already sent are due. Null rate: no
/// waiting (full speed). One pacer per sender; the rate is that sender's share.
/// </summary>
public sealed class Pacer(double? eventsPerSecond)
{
    private readonly long _started = Stopwatch.GetTimestamp();

    public async Task WaitAsync(long sentSoFar)
    {
        if (Due(sentSoFar) is { } wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    public void Wait(long sentSoFar)
    {
        if (Due(sentSoFar) is { } wait && wait > TimeSpan.Zero)
        {
            Thread.Sleep(wait);
        }
    }

    private TimeSpan? Due(long sentSoFar) =>
        eventsPerSecond is { } rate ? TimeSpan.FromSeconds(sentSoFar / rate) - Stopwatch.GetElapsedTime(_started) : null;
}
