namespace HeatmapSaas.Api.Demo;

/// <summary>
/// Simulated shoppers in a rectangular store: they come in at the door, stroll between shelves, sometimes pick a
/// product up, sometimes buy, and leave. Each <see cref="Step"/> advances one second and returns the events.
/// </summary>
public sealed class StoreWalk(double width, double height, int seed = 7)
{
    private readonly Random _random = new(seed);
    private readonly List<Shopper> _shoppers = [];
    private long _nextId;

    /// <summary>Shelf fronts, as fractions of the floor: where people stop.</summary>
    private static readonly (double X, double Y)[] Shelves =
        [(0.2, 0.25), (0.4, 0.25), (0.6, 0.25), (0.8, 0.25), (0.2, 0.6), (0.4, 0.6), (0.6, 0.6), (0.8, 0.6), (0.9, 0.85)];

    public int MaxShoppers { get; init; } = 12;

    public IReadOnlyList<WalkEvent> Step(DateTimeOffset now)
    {
        var events = new List<WalkEvent>();
        if (_shoppers.Count < MaxShoppers && _random.NextDouble() < 0.35)
        {
            _shoppers.Add(new Shopper($"demo-{++_nextId}", width * 0.5, height * 0.97, PickRoute()));
        }

        foreach (var shopper in _shoppers.ToList())
        {
            if (shopper.Route.Count == 0)
            {
                events.Add(new WalkEvent("track_end", shopper.Id, now, null, null));
                if (_random.NextDouble() < 0.3)
                {
                    events.Add(new WalkEvent("conversion", shopper.Id, now, null, null, Math.Round(5 + _random.NextDouble() * 60, 2)));
                }

                _shoppers.Remove(shopper);
                continue;
            }

            var (tx, ty) = shopper.Route.Peek();
            var (dx, dy) = (tx - shopper.X, ty - shopper.Y);
            var distance = Math.Sqrt(dx * dx + dy * dy);
            var stride = Math.Min(distance, width * 0.04);
            if (distance > 1)
            {
                shopper.X = Math.Clamp(shopper.X + dx / distance * stride + Jitter(), 0, width - 1);
                shopper.Y = Math.Clamp(shopper.Y + dy / distance * stride + Jitter(), 0, height - 1);
            }
            else if (++shopper.Dwell > 2 + _random.Next(8))
            {
                if (_random.NextDouble() < 0.4)
                {
                    events.Add(new WalkEvent("interaction", shopper.Id, now, shopper.X, shopper.Y));
                }

                shopper.Route.Dequeue();
                shopper.Dwell = 0;
            }

            events.Add(new WalkEvent("position", shopper.Id, now, shopper.X, shopper.Y));
        }

        return events;
    }

    private Queue<(double, double)> PickRoute()
    {
        var route = new Queue<(double, double)>();
        for (var stops = 1 + _random.Next(4); stops > 0; stops--)
        {
            var (x, y) = Shelves[_random.Next(Shelves.Length)];
            route.Enqueue((x * width, y * height));
        }

        route.Enqueue((width * 0.5, height * 0.97));
        return route;
    }

    private double Jitter() => (_random.NextDouble() - 0.5) * width * 0.01;

    private sealed class Shopper(string id, double x, double y, Queue<(double, double)> route)
    {
        public string Id { get; } = id;
        public double X { get; set; } = x;
        public double Y { get; set; } = y;
        public Queue<(double, double)> Route { get; } = route;
        public int Dwell { get; set; }
    }
}

/// <summary>One event in the contract's ingest shape.</summary>
public sealed record WalkEvent(string Type, string TrackId, DateTimeOffset Ts, double? X, double? Y, double? Value = null);
