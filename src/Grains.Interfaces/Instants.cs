using System.Globalization;

namespace HeatmapSaas;

/// <summary>
/// The contract's text for instants and dates, written in one place so every response, CSV row and webhook body
/// agrees byte for byte: UTC to the second with <c>Z</c>, a local time with its offset, or a date.
/// </summary>
public static class Instants
{
    private const string UtcFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private const string LocalFormat = "yyyy-MM-dd'T'HH:mm:sszzz";
    private const string DateFormat = "yyyy-MM-dd";

    /// <summary>UTC to the second, e.g. 2025-01-15T14:00:00Z.</summary>
    public static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString(UtcFormat, CultureInfo.InvariantCulture);

    /// <summary>The wall-clock time with the offset it carries, e.g. 2025-01-15T09:00:00-05:00.</summary>
    public static string Local(DateTimeOffset instant) => instant.ToString(LocalFormat, CultureInfo.InvariantCulture);

    /// <summary>A date, e.g. 2025-01-15.</summary>
    public static string Date(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>The local date of a time that carries its offset.</summary>
    public static string Date(DateTimeOffset local) => local.ToString(DateFormat, CultureInfo.InvariantCulture);

    /// <summary>A date as the contract writes it (<c>yyyy-MM-dd</c>), or false.</summary>
    public static bool TryParseDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}
