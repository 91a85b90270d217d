namespace HeatmapSaas.Grains.Locations;

/// <summary>A location's events-per-second budget in fixed one-second windows. A refused batch uses none of it.</summary>
public sealed class EventRateLimit(int maxEventsPerSecond)
{
    private long _windowSecond = long.MinValue;
    private long _used;

    public bool TryTake(int events, DateTimeOffset now)
    {
        var second = now.ToUnixTimeSeconds();
        if (second != _windowSecond)
        {
            _windowSecond = second;
            _used = 0;
        }

        if (_used + events > maxEventsPerSecond)
        {
            return false;
        }

        _used += events;
        return true;
    }
}
