namespace HeatmapSaas.Grains.LandingPages;

/// <summary>
/// At most <c>limit</c> takes in any <c>window</c> (a sliding window, not clock minutes, so no burst of twice the
/// limit across a minute boundary). Holds at most <c>limit</c> timestamps; a refused take uses nothing.
/// </summary>
public sealed class SlidingWindowBudget(int limit, TimeSpan window)
{
    private readonly Queue<DateTimeOffset> _taken = new();

    public int Limit => limit;

    /// <summary>Takes one unit at <paramref name="now"/>, or says how long until one is free.</summary>
    public bool TryTake(DateTimeOffset now, out TimeSpan retryAfter)
    {
        while (_taken.Count > 0 && _taken.Peek() <= now - window)
        {
            _taken.Dequeue();
        }

        if (_taken.Count < limit)
        {
            _taken.Enqueue(now);
            retryAfter = TimeSpan.Zero;
            return true;
        }

        var wait = _taken.Peek() + window - now;
        retryAfter = wait > window ? window : wait;
        return false;
    }
}
