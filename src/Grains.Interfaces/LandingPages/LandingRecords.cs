namespace HeatmapSaas.LandingPages;

/// <summary>The seven landing-page event types of seed 001, in their wire names' order.</summary>
public enum LandingEventType
{
    Pageview,
    ClickWhatsapp,
    ClickCall,
    ClickToggleCurrency,
    TimeOnPage,
    QrScan,
    ProductClick,
}

public static class LandingEventTypes
{
    /// <summary>The wire names (<c>event_type</c>), indexed by <see cref="LandingEventType"/>.</summary>
    public static readonly IReadOnlyList<string> Names =
        ["pageview", "click_whatsapp", "click_call", "click_toggle_currency", "time_on_page", "qr_scan", "product_click"];

    public static int Count => Names.Count;

    public static bool TryParse(string? name, out LandingEventType type)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                type = (LandingEventType)i;
                return true;
            }
        }

        type = default;
        return false;
    }
}

/// <summary>
/// One tracked event as the API hands it to the tenant's analytics grain. The visitor's IP never gets this far: only
/// its salted hash does.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LandingHit(
    [property: Id(0)] LandingEventType Type,
    [property: Id(1)] string VisitorHash,
    [property: Id(2)] string? UserAgent,
    [property: Id(3)] string? Referrer,
    [property: Id(4)] string? MetadataJson,
    [property: Id(5)] double? Seconds,
    [property: Id(6)] bool Bot,
    [property: Id(7)] string? Page = null,
    [property: Id(8)] string? Source = null,
    [property: Id(9)] DeviceClass Device = DeviceClass.Desktop);

/// <summary>The kind of device a page view came from, as told by its user agent.</summary>
public enum DeviceClass
{
    Desktop,
    Mobile,
    Tablet,
}

/// <summary>What became of a tracked event.</summary>
public enum TrackOutcome
{
    Counted,

    /// <summary>A bot's or crawler's event: acknowledged, not counted.</summary>
    BotIgnored,
}

/// <summary>Unique visitors of one local day.</summary>
[GenerateSerializer, Immutable]
public sealed record DayVisitors([property: Id(0)] DateOnly Date, [property: Id(1)] int Visitors);

/// <summary>
/// Everything both dashboard endpoints show, computed for one local day of the tenant's zone: the "today" figures
/// and those of the 7 local days ending today.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LandingSummary(
    [property: Id(0)] DateOnly Today,
    [property: Id(1)] int VisitorsToday,
    [property: Id(2)] int VisitorsWeek,
    [property: Id(3)] long WhatsappClicksWeek,
    [property: Id(4)] long CallClicksWeek,
    [property: Id(5)] long CurrencyTogglesWeek,
    [property: Id(6)] long QrScansWeek,
    [property: Id(7)] long AvgTimeOnPageSeconds,
    [property: Id(8)] IReadOnlyList<DayVisitors> Last7Days,
    [property: Id(9)] long WhatsappClicksToday,
    [property: Id(10)] long QrScansToday,
    [property: Id(11)] long ProductClicksToday,
    [property: Id(12)] long BotsIgnoredToday);

/// <summary>One stored event as kept in the tenant's recent-events log (bounded).</summary>
[GenerateSerializer, Immutable]
public sealed record StoredLandingHit(
    [property: Id(0)] DateTimeOffset ReceivedAt,
    [property: Id(1)] LandingEventType Type,
    [property: Id(2)] string VisitorHash,
    [property: Id(3)] string? UserAgent,
    [property: Id(4)] string? Referrer,
    [property: Id(5)] string? MetadataJson);

/// <summary>One page or referrer source and its page views.</summary>
[GenerateSerializer, Immutable]
public sealed record NamedCount([property: Id(0)] string Name, [property: Id(1)] long Pageviews);

/// <summary>
/// What the landing page's page views were, over the 7 local days ending today: the top pages and referrer sources
/// (most viewed first, at most <see cref="Listed"/> each; the rest summed in <c>…Other</c>) and the device classes.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LandingBreakdown(
    [property: Id(0)] DateOnly Today,
    [property: Id(1)] IReadOnlyList<NamedCount> Pages,
    [property: Id(2)] long PagesOther,
    [property: Id(3)] IReadOnlyList<NamedCount> Sources,
    [property: Id(4)] long SourcesOther,
    [property: Id(5)] long Desktop,
    [property: Id(6)] long Mobile,
    [property: Id(7)] long Tablet)
{
    public const int Listed = 10;
}
