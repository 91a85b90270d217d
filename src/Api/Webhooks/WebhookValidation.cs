using HeatmapSaas.Api.Validation;
using HeatmapSaas.Errors;
using HeatmapSaas.Grains.Webhooks;
using HeatmapSaas.Webhooks;

namespace HeatmapSaas.Api.Webhooks;

/// <summary>Webhook bodies: an absolute http(s) URL the SSRF guard allows, and known event names.</summary>
public static class WebhookValidation
{
    private const int MaxUrlLength = 2048;

    public static async Task<WebhookDraft> ToDraftAsync(WebhookBody? body, WebhookTargetGuard guard, CancellationToken ct)
    {
        var url = await UrlAsync(body?.Url ?? throw ApiException.Required("url"), guard, ct);
        var events = Events(body.Events ?? throw ApiException.Required("events"));
        return new WebhookDraft(url, events, body.Active ?? true);
    }

    public static async Task<WebhookPatch> ToPatchAsync(WebhookBody? body, WebhookTargetGuard guard, CancellationToken ct)
    {
        if (body is null)
        {
            throw new ApiException(ApiErrorCode.InvalidRequest, "A JSON body is required");
        }

        return new WebhookPatch(
            body.Url is null ? null : await UrlAsync(body.Url, guard, ct),
            body.Events is null ? null : Events(body.Events),
            body.Active);
    }

    private static async Task<string> UrlAsync(string value, WebhookTargetGuard guard, CancellationToken ct)
    {
        var text = Validate.RequiredText(value, "url", MaxUrlLength);
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || url.UserInfo.Length > 0)
        {
            throw ApiException.Invalid("url", "url must be an absolute http or https URL");
        }

        if (await guard.RefusalAsync(url, ct) is { } refusal)
        {
            throw ApiException.Invalid("url", refusal);
        }

        return text;
    }

    private static string[] Events(string[] events)
    {
        if (events.Length == 0)
        {
            throw ApiException.OutOfRange("events", "events must name at least one event");
        }

        if (events.FirstOrDefault(e => !WebhookEventTypes.All.Contains(e)) is { } unknown)
        {
            throw new ApiException(ApiErrorCode.InvalidRequest,
                $"Unknown event '{unknown}'; events are: {string.Join(", ", WebhookEventTypes.All)}", "events", ParameterProblem.Unknown);
        }

        return events.Distinct().ToArray();
    }
}
