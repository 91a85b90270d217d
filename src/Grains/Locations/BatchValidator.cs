using System.Buffers;
using HeatmapSaas.Grains.Footfall;
using HeatmapSaas.Locations;

namespace HeatmapSaas.Grains.Locations;

/// <summary>
/// The checks made before the log append (the commit point): the floor plan's bounds, the clock's horizons and the
/// range of every value that will be summed, so that no accepted event can make applying a batch fail, now or on replay.
/// </summary>
public static class BatchValidator
{
    /// <summary>
    /// A conversion's <c>value</c> lies within ±this. Sums are decimals (at most 7.9 × 10^28): with this bound they
    /// cannot overflow before 7.9 × 10^16 conversions, centuries of a location at its rate limit.
    /// </summary>
    public const double MaxConversionValue = 1_000_000_000_000;

    public static (SensorReading[] Accepted, IngestReceipt Receipt) Validate(
        SensorBatch batch, FloorPlan floor, DateTimeOffset now, IngestOptions options)
    {
        var newest = (now + options.MaxClockSkew).ToUnixTimeMilliseconds();
        var oldest = (now - options.MaxEventAge).ToUnixTimeMilliseconds();
        var errors = new List<IngestError>(batch.ParseErrors);
        var readings = batch.Readings;
        List<SensorReading>? accepted = null;
        for (var i = 0; i < readings.Length; i++)
        {
            if (Check(readings[i], floor, newest, oldest) is { } error)
            {
                // The first refusal: the readings before it were accepted; from here on each is sorted out.
                accepted ??= new List<SensorReading>(readings.AsSpan(0, i).ToArray());
                errors.Add(error);
            }
            else
            {
                accepted?.Add(readings[i]);
            }
        }

        // Usually every reading passes, and the batch's own (immutable) array is the accepted one.
        var kept = accepted?.ToArray() ?? readings;
        errors.Sort((a, b) => a.Index.CompareTo(b.Index));
        var receipt = new IngestReceipt(batch.BatchId, kept.Length, errors.Count, false,
            errors.Take(IngestReceipt.MaxErrors).ToArray());
        return (kept, receipt);
    }

    /// <summary>
    /// Applies accepted readings to a ledger as events, through a pooled buffer: the ledger reads the span and keeps
    /// none of it, so a batch costs no array of its own here.
    /// </summary>
    public static BatchEffect ApplyAccepted(FootfallLedger ledger, SensorReading[] readings, DateTimeOffset receivedAt)
    {
        var events = ArrayPool<SensorEvent>.Shared.Rent(readings.Length);
        try
        {
            for (var i = 0; i < readings.Length; i++)
            {
                var r = readings[i];
                // Only a conversion's value is checked and summed; any other event's is ignored.
                var value = r.Kind == ReadingKind.Conversion ? (decimal)r.Value : 0m;
                events[i] = new SensorEvent((SensorEventKind)r.Kind, r.TrackId, r.TsMillis, r.X, r.Y, value);
            }

            return ledger.Apply(events.AsSpan(0, readings.Length), receivedAt);
        }
        finally
        {
            // Cleared: the events hold track ids the pool should not keep alive.
            ArrayPool<SensorEvent>.Shared.Return(events, clearArray: true);
        }
    }

    private static IngestError? Check(SensorReading reading, FloorPlan floor, long newest, long oldest)
    {
        if (reading.TsMillis > newest)
        {
            return new IngestError(reading.Index, IngestError.TsInFuture, "ts is too far ahead of the server clock");
        }

        if (reading.TsMillis < oldest)
        {
            return new IngestError(reading.Index, IngestError.TsTooOld, "ts is older than the late-arrival horizon");
        }

        // Written as "not inside" so that NaN is outside too. A floor stored before floors were bounded may be
        // wider than cells address: positions past FloorPlan.MaxSize are refused rather than piled into the last cell.
        if (reading.Kind is ReadingKind.Position or ReadingKind.Interaction
            && !(reading.X >= 0 && reading.X < Math.Min(floor.Width, FloorPlan.MaxSize)
                 && reading.Y >= 0 && reading.Y < Math.Min(floor.Height, FloorPlan.MaxSize)))
        {
            return new IngestError(reading.Index, IngestError.OutOfBounds,
                $"x, y must lie on the floor plan (0 ≤ x < {floor.Width}, 0 ≤ y < {floor.Height})");
        }

        if (reading.Kind == ReadingKind.Conversion && !(Math.Abs(reading.Value) <= MaxConversionValue))
        {
            return new IngestError(reading.Index, IngestError.InvalidValue,
                $"value must be a number between -{MaxConversionValue:0} and {MaxConversionValue:0}");
        }

        return null;
    }
}
