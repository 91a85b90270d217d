using System.Globalization;
using HeatmapSaas.Errors;

namespace HeatmapSaas.Api.Validation;

/// <summary>The checks every endpoint shares, each failing with the envelope naming the parameter.</summary>
public static class Validate
{
    public static string RequiredText(string? value, string parameter, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw ApiException.Required(parameter);
        }

        return Text(value, parameter, maxLength)!;
    }

    public static string? Text(string? value, string parameter, int maxLength = 200)
    {
        if (value is null)
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length == 0 || trimmed.Length > maxLength)
        {
            throw ApiException.OutOfRange(parameter, $"{parameter} must be 1 to {maxLength} characters");
        }

        return trimmed;
    }

    public static string? OneOf(string? value, string parameter, IReadOnlyCollection<string> allowed)
    {
        if (value is not null && !allowed.Contains(value))
        {
            throw ApiException.Invalid(parameter, $"{parameter} must be one of: {string.Join(", ", allowed)}");
        }

        return value;
    }

    public static double? Range(double? value, string parameter, double min, double max)
    {
        if (value is { } v && (double.IsNaN(v) || v < min || v > max))
        {
            throw ApiException.OutOfRange(parameter, $"{parameter} must be between {Show(min)} and {Show(max)}");
        }

        return value;
    }

    public static int? Range(int? value, string parameter, int min, int max)
    {
        if (value is { } v && (v < min || v > max))
        {
            throw ApiException.OutOfRange(parameter, $"{parameter} must be between {Show(min)} and {Show(max)}");
        }

        return value;
    }

    /// <summary>An IANA zone id such as America/Los_Angeles; null stays null (the caller picks the default).</summary>
    public static string? TimeZone(string? value, string parameter = "timezone")
    {
        if (value is null)
        {
            return null;
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(value, out var zone) || !zone.HasIanaId)
        {
            throw ApiException.Invalid(parameter, $"{parameter} must be an IANA time zone such as America/New_York");
        }

        return value;
    }

    public static int QueryInt(string? value, string parameter, int fallback, int min, int max)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw ApiException.Invalid(parameter, $"{parameter} must be an integer");
        }

        return Range(number, parameter, min, max)!.Value;
    }

    public static bool QueryBool(string? value, string parameter) => value?.ToLowerInvariant() switch
    {
        null or "" or "false" or "0" => false,
        "true" or "1" => true,
        _ => throw ApiException.Invalid(parameter, $"{parameter} must be true or false"),
    };

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);
}
