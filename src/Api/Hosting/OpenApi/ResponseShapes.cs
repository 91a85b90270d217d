using HeatmapSaas.Api.Footfall;

namespace HeatmapSaas.Api.Hosting.OpenApi;

// The shapes of answers whose handlers build them as dictionaries (the selected metrics, the traffic metric's
// own field name), for the OpenAPI document only. Properties are optional: which ones appear depends on the query.

/// <summary><c>GET /v1/locations/{location}/analytics</c> (seed 000).</summary>
public sealed class LocationAnalyticsResponse
{
    public string LocationId { get; init; } = "";

    public ReportPeriodResponse Period { get; init; } = null!;

    public AnalyticsFigures Metrics { get; init; } = new();

    public List<AnalyticsDay> DailyBreakdown { get; init; } = [];
}

/// <summary>The figures <c>metrics</c> selected: visitors (with peak_hours), duration, conversion.</summary>
public class AnalyticsFigures
{
    public long Visitors { get; init; }

    public int[] PeakHours { get; init; } = [];

    public decimal AvgDurationMinutes { get; init; }

    public decimal ConversionRate { get; init; }

    public long Conversions { get; init; }
}

public sealed class AnalyticsDay : AnalyticsFigures
{
    /// <summary>The local date, yyyy-MM-dd.</summary>
    public string Date { get; init; } = "";
}

/// <summary>One row of <c>GET /v1/traffic/{kind}/{location}/{date}</c> (seed 002): the count sits under the
/// metric's own name.</summary>
public sealed class TrafficCountRow
{
    public int Hr { get; init; }

    public int Min { get; init; }

    public string Date { get; init; } = "";

    public long Impressions { get; init; }

    public long Discoveries { get; init; }

    public long Engagements { get; init; }

    public long Interactions { get; init; }

    /// <summary>The period's local start with its offset, e.g. 2020-01-01T09:00:00-05:00.</summary>
    public string Start { get; init; } = "";
}
