using HeatmapSaas.Grains.Footfall;

namespace HeatmapSaas.Tests.Footfall;

/// <summary><c>start_date</c> / <c>end_date</c> as the contract reads them.</summary>
public class ReportWindowTests
{
    private static readonly LocalCalendar NewYork = Calendar("America/New_York");

    private static LocalCalendar Calendar(string id)
    {
        Assert.True(LocalCalendar.TryFind(id, out var calendar));
        return calendar;
    }

    private static ReportWindow Window(string? start, string? end, LocalCalendar? calendar = null)
    {
        Assert.True(ReportWindow.TryParse(start, end, calendar ?? NewYork, out var window, out var error), error?.Message);
        return window;
    }

    private static ReportWindowError Refused(string? start, string? end)
    {
        Assert.False(ReportWindow.TryParse(start, end, NewYork, out _, out var error));
        return error!;
    }

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Dates_mean_local_midnight_and_a_date_only_end_includes_its_whole_day()
    {
        var window = Window("2025-01-01", "2025-01-01");

        Assert.Equal(Utc("2025-01-01T05:00:00Z"), window.Start);
        Assert.Equal(Utc("2025-01-02T05:00:00Z"), window.End);
        Assert.Equal(96, window.EndExclusive - window.First);
    }

    [Fact]
    public void A_date_time_end_is_exclusive_and_date_times_are_floored_to_15_minutes()
    {
        var window = Window("2025-01-01T10:07:00Z", "2025-01-01T11:59:59.999Z");

        Assert.Equal(Utc("2025-01-01T10:00:00Z"), window.Start);
        Assert.Equal(Utc("2025-01-01T11:45:00Z"), window.End);
    }

    [Fact]
    public void A_date_time_without_an_offset_is_local_time_and_offsets_are_honoured()
    {
        Assert.Equal(Utc("2025-01-01T15:00:00Z"), Window("2025-01-01T10:00", "2025-01-01T12:00").Start);
        Assert.Equal(Utc("2025-01-01T04:15:00Z"), Window("2025-01-01T10:00:00+05:45", "2025-01-02").Start);
        Assert.Equal(Utc("2025-01-01T15:00:00Z"), Window("2025-01-01T10:00:00-0500", "2025-01-02").Start);
        Assert.Equal(Utc("2024-03-10T07:30:00Z"), Window("2024-03-10T02:30", "2024-03-11").Start); // skipped by DST
    }

    [Fact]
    public void Equal_date_times_are_an_empty_window()
    {
        var empty = Window("2025-01-01T10:00:00Z", "2025-01-01T10:00:00Z");
        Assert.Equal(0, empty.EndExclusive - empty.First);
    }

    [Theory]
    [InlineData(null, "2025-01-01", "start_date")]
    [InlineData("2025-01-01", null, "end_date")]
    [InlineData(" ", "2025-01-01", "start_date")]
    public void A_missing_bound_is_required(string? start, string? end, string parameter)
    {
        var error = Refused(start, end);
        Assert.Equal(parameter, error.Parameter);
        Assert.Equal("required", error.Type);
    }

    [Theory]
    [InlineData("2025-13-01", "2025-12-01", "start_date")]
    [InlineData("yesterday", "2025-12-01", "start_date")]
    [InlineData("2025-01-01", "2025-01-01T25:00:00Z", "end_date")]
    [InlineData("2025-01-01", "2025-01-02T10:00:00+15:00", "end_date")]
    [InlineData("2025-01-01", "01/02/2025", "end_date")]
    public void A_malformed_bound_is_invalid(string start, string end, string parameter)
    {
        var error = Refused(start, end);
        Assert.Equal(parameter, error.Parameter);
        Assert.Equal("invalid", error.Type);
    }

    [Theory]
    [InlineData("0001-01-01", "2025-12-01", "start_date")]
    [InlineData("1969-12-31T23:59:59Z", "2025-12-01", "start_date")]
    [InlineData("2025-01-01", "9999-12-31", "end_date")]
    [InlineData("2025-01-01", "2101-01-01T00:00", "end_date")]
    public void A_bound_outside_1970_to_2100_is_out_of_range(string start, string end, string parameter)
    {
        var error = Refused(start, end);
        Assert.Equal(parameter, error.Parameter);
        Assert.Equal("out_of_range", error.Type);
    }

    [Theory]
    [InlineData("2025-01-02", "2025-01-01")]
    [InlineData("2025-01-02T00:00:00Z", "2025-01-01T23:00:00Z")]
    [InlineData("2025-01-02T00:00", "2025-01-01")]
    public void A_start_after_the_end_is_refused(string start, string end)
    {
        var error = Refused(start, end);
        Assert.Equal("start_date", error.Parameter);
    }

    [Fact]
    public void Up_to_366_days_are_allowed_whatever_dst_does_in_between()
    {
        var leapYear = Window("2024-01-01", "2024-12-31");
        Assert.Equal(366 * 96, leapYear.EndExclusive - leapYear.First);
        Window("2023-11-04", "2024-11-03"); // 366 local days, 366 days and an hour of UTC

        var error = Refused("2024-01-01", "2025-01-01");
        Assert.Equal("end_date", error.Parameter);
        Assert.Equal("out_of_range", error.Type);
    }
}
