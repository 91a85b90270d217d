using HeatmapSaas.Tenants;

namespace HeatmapSaas.Grains.Tenants;

/// <summary>
/// A tenant's request count in fixed windows of one UTC clock hour. Lives in the tenant grain, so every API
/// node counts against the same number.
/// </summary>
public sealed class RequestQuota
{
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _used;

    /// <summary>Requests per hour of a plan; null means unlimited.</summary>
    public static int? HourlyLimit(Plan plan) => plan switch
    {
        Plan.Free => 100,
        Plan.Pro => 10_000,
        _ => null,
    };

    public RequestAllowance Consume(Plan plan, DateTimeOffset now)
    {
        var windowStart = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
        var windowEnd = windowStart.AddHours(1);
        if (windowStart != _windowStart)
        {
            _windowStart = windowStart;
            _used = 0;
        }

        var limit = HourlyLimit(plan);
        if (limit is null)
        {
            return new RequestAllowance(true, null, 0, windowEnd);
        }

        // A refused request is not counted, so the remaining number never goes below zero.
        if (_used >= limit)
        {
            return new RequestAllowance(false, limit, 0, windowEnd);
        }

        _used++;
        return new RequestAllowance(true, limit, limit.Value - _used, windowEnd);
    }
}
