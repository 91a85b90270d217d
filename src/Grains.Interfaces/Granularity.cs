namespace HeatmapSaas;

/// <summary>
/// How finely a report cuts time, shared by the API, the grains and the calendar: every size is a whole run of
/// 15-minute buckets in the local zone. Traffic counts use quarter hours, hours and days; heatmaps hours, days and weeks.
/// </summary>
public enum Granularity
{
    QuarterHour,
    Hour,
    Day,

    /// <summary>ISO weeks, Monday to Sunday.</summary>
    Week,
}
