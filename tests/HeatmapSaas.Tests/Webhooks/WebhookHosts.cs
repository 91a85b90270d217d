using HeatmapSaas.Tests.Api;

namespace HeatmapSaas.Tests.Webhooks;

/// <summary>
/// The app allowed to call webhooks on loopback (the test's receiver), with retry delays cut to milliseconds so
/// retries are seen at once, and a short attempt timeout.
/// </summary>
public class WebhookApiHost : ApiHost
{
    protected override IDictionary<string, string?> Settings => WebhookTestSettings.Fast;
}

/// <summary>Fast retries, but an attempt may take two minutes: long enough to hold a request open on purpose.</summary>
public sealed class PatientWebhookApiHost : ApiHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(WebhookTestSettings.Fast)
    {
        ["Heatmap:Webhooks:Timeout"] = "00:02:00",
    };
}

/// <summary>The same with a controllable clock, and plan-expiry reminders that look at it every second.</summary>
public sealed class FixedClockWebhookApiHost : FixedClockApiHost
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(WebhookTestSettings.Fast)
    {
        ["Heatmap:Plans:ExpiryCheck"] = "00:00:01",
    };
}

public static class WebhookTestSettings
{
    public static IDictionary<string, string?> Fast => new Dictionary<string, string?>
    {
        ["Heatmap:Webhooks:AllowPrivateTargets"] = "true",
        ["Heatmap:Webhooks:RetryBase"] = "00:00:00.050",
        ["Heatmap:Webhooks:PollInterval"] = "00:00:00.100",
        ["Heatmap:Webhooks:Timeout"] = "00:00:05",
    };
}
