namespace HeatmapSaas.Grains.Footfall;

/// <summary>
/// When a location passes its capacity: <c>location.occupancy_exceeded</c> fires once as occupancy goes above
/// capacity, and again only after occupancy has come back down by a margin (a tenth of the capacity, at least one
/// person), so a store hovering at its limit does not send an alert per shopper.
/// </summary>
public static class OccupancyAlarm
{
    public static int Margin(int capacity) => Math.Max(1, (capacity + 9) / 10);

    /// <summary>The next state (<c>Over</c>: alerted, not yet back below the margin) and whether to alert now.</summary>
    public static (bool Over, bool Fire) Next(bool over, int occupancy, int? capacity)
    {
        if (capacity is not { } limit)
        {
            return (false, false);
        }

        if (!over)
        {
            return occupancy > limit ? (true, true) : (false, false);
        }

        return (occupancy > limit - Margin(limit), false);
    }

    public static double? Utilisation(int occupancy, int? capacity) =>
        capacity is > 0 ? Math.Round((double)occupancy / capacity.Value, 4) : null;
}
