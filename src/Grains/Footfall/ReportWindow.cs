using System.Globalization;
using System.Text.RegularExpressions;

namespace HeatmapSaas.Grains.Footfall;

/// <summary>Why a report window was refused: the parameter and the error envelope's detail type.</summary>
public sealed record ReportWindowError(string Parameter, string Type, string Message);

/// <summary>
/// The half-open UTC interval a report covers, as whole buckets, parsed from <c>start_date</c> / <c>end_date</c>:
/// a date means local midnight; a date-only end is inclusive (the whole day); a date-time end is exclusive;
/// date-times are floored to 15 minutes; a date-time without an offset is local wall-clock time.
/// </summary>
public sealed partial record ReportWindow(TimeBucket First, TimeBucket EndExclusive)
{
    public const string StartParameter = "start_date";
    public const string EndParameter = "end_date";
    public const int MaxDays = 366;

    /// <summary>
    /// The documented range of every date parameter (reports, heatmaps, traffic): far inside what the calendar and
    /// bucket arithmetic can represent, so no date can overflow it.
    /// </summary>
    public static readonly DateOnly FirstDate = new(1970, 1, 1);

    public static readonly DateOnly LastDate = new(2100, 12, 31);

    public static bool InRange(DateOnly date) => date >= FirstDate && date <= LastDate;

    /// <summary>The message of a date parameter outside <see cref="FirstDate"/>..<see cref="LastDate"/>.</summary>
    public static string OutOfRangeMessage(string parameter) => $"{parameter} must lie between 1970-01-01 and 2100-12-31.";

    public DateTimeOffset Start => First.Start;

    public DateTimeOffset End => EndExclusive.Start;

    /// <summary>The window as grain calls take it.</summary>
    public HeatmapSaas.Footfall.BucketWindow Buckets => new(First.Index, EndExclusive.Index);

    /// <summary>
    /// The checks of <see cref="TryParse"/> that need no zone: each bound present, well formed and in range. The API
    /// runs them as a request binds, before it knows the zone of what is reported on.
    /// </summary>
    public static bool TryCheckBounds(string? startDate, string? endDate, out ReportWindowError? error) =>
        TryParseBound(startDate, StartParameter, isEnd: false, LocalCalendar.Utc, out _, out error)
        && TryParseBound(endDate, EndParameter, isEnd: true, LocalCalendar.Utc, out _, out error);

    public static bool TryParse(
        string? startDate,
        string? endDate,
        LocalCalendar calendar,
        out ReportWindow window,
        out ReportWindowError? error)
    {
        window = new ReportWindow(default, default);
        if (!TryParseBound(startDate, StartParameter, isEnd: false, calendar, out var start, out error)
            || !TryParseBound(endDate, EndParameter, isEnd: true, calendar, out var end, out error))
        {
            return false;
        }

        // A date-only end already points past its whole day: a start at or beyond that point is after the end date.
        if (start.Instant > end.Instant || (end.DateOnly && start.Instant == end.Instant))
        {
            error = new ReportWindowError(StartParameter, "invalid", "start_date is after end_date.");
            return false;
        }

        // Measured in local wall-clock time so that 366 whole days are allowed whatever DST did in between.
        if (calendar.ToLocal(end.Instant).DateTime - calendar.ToLocal(start.Instant).DateTime > TimeSpan.FromDays(MaxDays))
        {
            error = new ReportWindowError(EndParameter, "out_of_range", $"The range from start_date to end_date is over {MaxDays} days.");
            return false;
        }

        window = new ReportWindow(TimeBucket.Of(start.Instant), TimeBucket.Of(end.Instant));
        return true;
    }

    private readonly record struct Bound(DateTimeOffset Instant, bool DateOnly);

    private static bool TryParseBound(
        string? text,
        string parameter,
        bool isEnd,
        LocalCalendar calendar,
        out Bound bound,
        out ReportWindowError? error)
    {
        bound = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = new ReportWindowError(parameter, "required", $"{parameter} is required.");
            return false;
        }

        text = text.Trim();
        if (Instants.TryParseDate(text, out var date))
        {
            if (!InRange(date))
            {
                error = new ReportWindowError(parameter, "out_of_range", OutOfRangeMessage(parameter));
                return false;
            }

            bound = new Bound(calendar.MidnightUtc(isEnd ? date.AddDays(1) : date), true);
            return true;
        }

        var match = DateTimePattern().Match(text);
        if (match.Success
            && DateTime.TryParseExact(
                match.Groups["local"].Value.Replace('t', 'T').Replace(' ', 'T'),
                LocalFormats,
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out var local)
            && TryOffset(match.Groups["offset"].Value, out var offset))
        {
            if (!InRange(DateOnly.FromDateTime(local)))
            {
                error = new ReportWindowError(parameter, "out_of_range", OutOfRangeMessage(parameter));
                return false;
            }

            var instant = offset is { } o ? new DateTimeOffset(local.Ticks - o.Ticks, TimeSpan.Zero) : calendar.ToInstant(local);
            bound = new Bound(TimeBucket.Of(instant).Start, false);
            return true;
        }

        error = new ReportWindowError(parameter, "invalid", $"{parameter} must be a date (yyyy-MM-dd) or an ISO 8601 date-time.");
        return false;
    }

    private static readonly string[] LocalFormats =
        ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    /// <summary>Empty: none (local time); <c>Z</c>; or ±hh:mm / ±hhmm / ±hh within ±14 hours.</summary>
    private static bool TryOffset(string text, out TimeSpan? offset)
    {
        offset = null;
        if (text.Length == 0)
        {
            return true;
        }

        if (text is "Z" or "z")
        {
            offset = TimeSpan.Zero;
            return true;
        }

        var digits = text[1..].Replace(":", "", StringComparison.Ordinal);
        if (digits.Length is not (2 or 4)
            || !int.TryParse(digits[..2], NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(digits.Length == 4 ? digits[2..] : "0", NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            || minutes >= 60 || hours * 60 + minutes > 14 * 60)
        {
            return false;
        }

        var span = new TimeSpan(hours, minutes, 0);
        offset = text[0] == '-' ? -span : span;
        return true;
    }

    [GeneratedRegex(@"^(?<local>\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)(?<offset>[Zz]|[+-]\d{2}(?::?\d{2})?)?$")]
    private static partial Regex DateTimePattern();
}
