using System.Text.RegularExpressions;

namespace HeatmapSaas.Api.LandingPages;

/// <summary>
/// The one maintained list of user agents that are bots, crawlers, link previewers, monitors or scripted clients.
/// Their tracking requests are answered like anyone's but not counted (see <see cref="LandingMetrics.BotsDropped"/>).
/// Each entry is a case-insensitive regular-expression fragment matched anywhere in the user agent; add new ones
/// here, with a comment when the reason is not obvious. A missing user agent is not on the list.
/// </summary>
public static partial class BotUserAgents
{
    public static readonly IReadOnlyList<string> Patterns =
    [
        // Generic words: Googlebot, bingbot, AhrefsBot, GPTBot, Applebot, crawler, Baiduspider, Bytespider…
        // "CUBOT" is a phone brand, not a bot.
        @"(?<!cu)bot\b", @"(?<!cu)bot[-_/]", "crawl", "spider", "scraper",
        // Search engines and ad checkers whose names carry none of the words above.
        "slurp", "mediapartners-google", "adsbot", "googleother", "google-inspectiontool", "bingpreview",
        "yeti/", "ia_archiver", "feedfetcher", "google-read-aloud", "anthropic-ai", "cohere-ai", "claude-web",
        // Link previews of social networks and messengers.
        "facebookexternalhit", "facebookcatalog", "whatsapp/", "skypeuripreview", "vkshare", "embedly",
        "quora link preview", "pinterest/0", "link ?preview", "web preview", "outbrain", "flipboardproxy",
        // Headless browsers, audits and uptime monitors.
        "headlesschrome", "phantomjs", "lighthouse", "pagespeed", "gtmetrix", "pingdom", "pinger", "statuscake",
        "site24x7", "uptime", "datadog", "w3c_validator", "validator\\.nu", "checklink",
        // Scripted HTTP clients.
        "curl/", "wget/", "python-requests", "python-urllib", "python-httpx", "aiohttp", "go-http-client",
        "okhttp", "java/", "libwww-perl", "apache-httpclient", "node-fetch", "axios/", "scrapy", "httpie",
        "postmanruntime", "insomnia",
    ];

    private static readonly Regex Matcher = new(string.Join('|', Patterns.Select(p => $"(?:{p})")),
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1));

    /// <summary>Characters of the user agent looked at; every name on the list shows well before this.</summary>
    private const int MaxExamined = 1024;

    public static bool IsBot(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return false;
        }

        try
        {
            return Matcher.IsMatch(userAgent.Length > MaxExamined ? userAgent[..MaxExamined] : userAgent);
        }
        catch (RegexMatchTimeoutException)
        {
            // Only a starved machine gets here (the patterns are plain words): better count a visit than drop one.
            return false;
        }
    }
}
