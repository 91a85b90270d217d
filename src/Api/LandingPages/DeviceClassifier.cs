using HeatmapSaas.LandingPages;

namespace HeatmapSaas.Api.LandingPages;

/// <summary>
/// Mobile, tablet or desktop from a user agent, by the tokens browsers have used for years (NuGet serves no
/// maintained parser here, and three classes need no more): tablets name themselves (<c>iPad</c>, <c>Tablet</c>,
/// Kindle/Silk) or are Android without <c>Mobile</c>; phones say <c>Mobi</c>, <c>iPhone</c>, <c>Android</c> and the
/// like; everything else, an empty agent included, is a desktop. iPads since iPadOS 13 send the desktop Safari agent
/// by default, so they count as desktops.
/// </summary>
public static class DeviceClassifier
{
    private static readonly string[] TabletTokens = ["iPad", "Tablet", "Kindle", "Silk/", "PlayBook"];
    private static readonly string[] MobileTokens = ["Mobi", "iPhone", "iPod", "Android", "Windows Phone", "Opera Mini", "BlackBerry"];

    public static DeviceClass Classify(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent))
        {
            return DeviceClass.Desktop;
        }

        bool Has(string token) => userAgent.Contains(token, StringComparison.OrdinalIgnoreCase);
        if (TabletTokens.Any(Has) || (Has("Android") && !Has("Mobile")))
        {
            return DeviceClass.Tablet;
        }

        return MobileTokens.Any(Has) ? DeviceClass.Mobile : DeviceClass.Desktop;
    }
}
