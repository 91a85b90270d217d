namespace HeatmapSaas.Api.LandingPages;

/// <summary>
/// Which page a page view was of and where its visitor came from, as the dashboard lists them. The page is the
/// snippet's <c>metadata.path</c>, else the path of the request's <c>Referer</c> (the landing page itself); the
/// source is the host of <c>metadata.referrer</c> without <c>www.</c>, <c>direct</c> when there is none, and
/// <c>internal</c> when it is the landing page's own host (a click from one of its pages to another).
/// </summary>
public static class PageviewOrigin
{
    public const int MaxPageLength = 256;
    public const string Direct = "direct";
    public const string Internal = "internal";

    /// <param name="path">The event's <c>metadata.path</c>, if a string.</param>
    /// <param name="pageUrl">The tracking request's <c>Referer</c> header: the landing page's URL or origin.</param>
    public static string? Page(string? path, string? pageUrl)
    {
        var page = path is { Length: > 0 } && path[0] == '/'
            ? path
            : Absolute(pageUrl)?.AbsolutePath;
        if (page is null)
        {
            return null;
        }

        // Query and fragment may carry personal data and would split one page into many.
        page = page.Split('?', '#')[0];
        return page.Length <= MaxPageLength ? page : page[..MaxPageLength];
    }

    /// <param name="referrer">The event's <c>metadata.referrer</c> (<c>document.referrer</c>), if a string.</param>
    /// <param name="pageUrl">The tracking request's <c>Referer</c> header.</param>
    public static string Source(string? referrer, string? pageUrl)
    {
        if (Host(Absolute(referrer)) is not { } host)
        {
            return Direct;
        }

        return host == Host(Absolute(pageUrl)) ? Internal : host;
    }

    private static Uri? Absolute(string? url) =>
        !string.IsNullOrWhiteSpace(url) && Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && !uri.IsFile ? uri : null;

    private static string? Host(Uri? uri)
    {
        if (uri is null || uri.Host.Length == 0)
        {
            return null;
        }

        var host = uri.IdnHost.ToLowerInvariant();
        return host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
    }
}
