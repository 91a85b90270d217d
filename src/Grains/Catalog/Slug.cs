using System.Text;
using System.Text.RegularExpressions;

namespace HeatmapSaas.Grains.Catalog;

/// <summary>A location's URL name, as seed 002 addresses stores (<c>madison-ave-store</c>).</summary>
public static partial class Slug
{
    public const int MaxLength = 63;

    /// <summary>Words the routes use in the slug's place.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal) { "last-update" };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex Pattern();

    public static bool IsWellFormed(string slug) => Pattern().IsMatch(slug);

    public static bool IsAllowed(string slug) => IsWellFormed(slug) && !Reserved.Contains(slug);

    /// <summary>A slug derived from a name: lower-case letters and digits, anything else one hyphen.</summary>
    public static string FromName(string name)
    {
        var text = new StringBuilder(name.Length);
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                text.Append(char.ToLowerInvariant(c));
            }
            else if (char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark
                     && text.Length > 0 && text[^1] != '-')
            {
                text.Append('-');
            }
        }

        var slug = text.ToString().Trim('-');
        if (slug.Length > MaxLength)
        {
            slug = slug[..MaxLength].TrimEnd('-');
        }

        return slug.Length == 0 || Reserved.Contains(slug) ? "location" : slug;
    }

    /// <summary>The first of <c>base</c>, <c>base-2</c>, <c>base-3</c>… that is not taken.</summary>
    public static string FirstFree(string baseSlug, Func<string, bool> isTaken)
    {
        if (!isTaken(baseSlug))
        {
            return baseSlug;
        }

        for (var n = 2; ; n++)
        {
            var suffix = "-" + n;
            var stem = baseSlug.Length + suffix.Length > MaxLength ? baseSlug[..(MaxLength - suffix.Length)] : baseSlug;
            var candidate = stem + suffix;
            if (!isTaken(candidate))
            {
                return candidate;
            }
        }
    }
}
