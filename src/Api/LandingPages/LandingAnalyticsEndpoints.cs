using System.Globalization;
using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Footfall;
using HeatmapSaas.Api.Hosting;
using HeatmapSaas.Errors;
using HeatmapSaas.LandingPages;
using Microsoft.AspNetCore.Mvc;

namespace HeatmapSaas.Api.LandingPages;

/// <summary>
/// Landing-page analytics (seed 001): the public tracking endpoint with its own open CORS, the tenant's two
/// dashboard reads, and the tracking snippet.
/// </summary>
public static class LandingAnalyticsEndpoints
{
    public const string TrackPath = "/api/analytics/track";

    /// <summary>Longest user agent and referrer kept.</summary>
    public const int MaxUserAgentLength = 256;
    public const int MaxReferrerLength = 512;

    public static IServiceCollection AddServices(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(TrustedProxies.From(config));
        services.AddSingleton<VisitorHasher>();
        LandingMetrics.EnsureCreated();
        return services;
    }

    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost(TrackPath, Track)
            .WithMetadata(new RequestSizeLimitAttribute(TrackRequest.MaxBodyBytes))
            .Accepts<TrackBody>("application/json", "text/plain")
            .AddEndpointFilter(async (context, next) =>
            {
                // On starting, so errors (whose handler clears the headers) are readable cross-origin too.
                var response = context.HttpContext.Response;
                response.OnStarting(() =>
                {
                    response.Headers.AccessControlAllowOrigin = "*";
                    return Task.CompletedTask;
                });
                return await next(context);
            })
            .WithTags("Landing analytics");
        // The CORS preflight, for this route only: any origin may post, without credentials.
        routes.MapMethods(TrackPath, [HttpMethods.Options], Preflight).ExcludeFromDescription();

        var dashboard = routes.MapGroup("/api/analytics/{tenantId:long}").RequireApiKey().WithTags("Landing analytics");
        dashboard.MapGet("/", Dashboard);
        dashboard.MapGet("/today", Today);
        dashboard.MapGet("/breakdown", Breakdown);

        routes.MapGet(TrackingSnippet.Path, Snippet).WithTags("Landing analytics");
        return routes;
    }

    private static async Task<IResult> Track(HttpContext context, IGrainFactory grains, VisitorHasher hasher, TrustedProxies proxies)
    {
        var request = context.Request;
        var track = await TrackRequest.ReadAsync(request, context.RequestAborted);
        var address = proxies.ClientAddress(context.Connection.RemoteIpAddress, request.Headers["X-Forwarded-For"]);
        var userAgent = request.Headers.UserAgent.ToString();
        var bot = BotUserAgents.IsBot(userAgent);
        var pageUrl = request.Headers.Referer.ToString();
        var pageview = track.Type == LandingEventType.Pageview;
        var hit = new LandingHit(
            track.Type,
            await hasher.HashAsync(address),
            Bounded(userAgent, MaxUserAgentLength),
            Bounded(Referrer(request.Headers.Referer.ToString()), MaxReferrerLength),
            track.MetadataJson,
            track.Seconds,
            bot,
            pageview ? PageviewOrigin.Page(track.Path, pageUrl) : null,
            pageview ? PageviewOrigin.Source(track.Referrer, pageUrl) : null,
            DeviceClassifier.Classify(userAgent));

        try
        {
            await grains.GetGrain<ILandingAnalyticsGrain>(track.TenantId).TrackAsync(hit);
        }
        catch (ApiException e) when (e.Code == ApiErrorCode.RateLimited)
        {
            LandingMetrics.EventsRateLimited.Add(1);
            throw;
        }

        (bot ? LandingMetrics.BotsDropped : LandingMetrics.EventsCounted).Add(1);
        return TypedResults.Ok(new TrackResponse(true));
    }

    private static IResult Preflight(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowMethods = "POST, OPTIONS";
        headers.AccessControlAllowHeaders = context.Request.Headers.AccessControlRequestHeaders is { Count: > 0 } asked
            ? asked.ToString()
            : "Content-Type";
        headers.AccessControlMaxAge = "86400";
        return Results.NoContent();
    }

    private static async Task<IResult> Dashboard(long tenantId, Caller caller, IGrainFactory grains, HttpRequest request)
    {
        var summary = await SummaryAsync(tenantId, caller, grains);
        var days = summary.Last7Days.Select(d => new LandingDayRow(Instants.Date(d.Date), d.Visitors)).ToList();
        if (CsvExport.Wanted(request))
        {
            return CsvExport.From(
                days.Select(d => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["date"] = d.Date, ["visitors"] = d.Visitors }).ToList(),
                ["date", "visitors"]);
        }

        return TypedResults.Ok(new LandingDashboardResponse(true, new LandingDashboardData(
            summary.VisitorsToday, summary.VisitorsWeek, summary.WhatsappClicksWeek, summary.CallClicksWeek,
            summary.CurrencyTogglesWeek, summary.QrScansWeek, summary.AvgTimeOnPageSeconds, days)));
    }

    private static async Task<IResult> Today(long tenantId, Caller caller, IGrainFactory grains)
    {
        var summary = await SummaryAsync(tenantId, caller, grains);
        return TypedResults.Ok(new LandingTodayResponse(
            true, summary.VisitorsToday, summary.WhatsappClicksToday, summary.QrScansToday, summary.ProductClicksToday));
    }

    private static async Task<IResult> Breakdown(long tenantId, Caller caller, IGrainFactory grains)
    {
        var breakdown = await Own(tenantId, caller, grains).GetBreakdownAsync();
        static List<LandingNamedCount> Rows(IReadOnlyList<NamedCount> top) => top.Select(t => new LandingNamedCount(t.Name, t.Pageviews)).ToList();
        return TypedResults.Ok(new LandingBreakdownResponse(true, new LandingBreakdownData(
            new LandingTopList(Rows(breakdown.Pages), breakdown.PagesOther),
            new LandingTopList(Rows(breakdown.Sources), breakdown.SourcesOther),
            new LandingDevices(breakdown.Mobile, breakdown.Tablet, breakdown.Desktop))));
    }

    private static IResult Snippet(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "public, max-age=3600";
        headers.ETag = TrackingSnippet.ETag;
        headers.AccessControlAllowOrigin = "*";
        headers.XContentTypeOptions = "nosniff";
        return context.Request.Headers.IfNoneMatch.Any(v => v == TrackingSnippet.ETag)
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(TrackingSnippet.Bytes, "text/javascript; charset=utf-8");
    }

    /// <summary>Another tenant's figures answer as if that tenant did not exist.</summary>
    private static Task<LandingSummary> SummaryAsync(long tenantId, Caller caller, IGrainFactory grains) =>
        Own(tenantId, caller, grains).GetSummaryAsync();

    private static ILandingAnalyticsGrain Own(long tenantId, Caller caller, IGrainFactory grains) =>
        caller.TenantId == tenantId
            ? grains.GetGrain<ILandingAnalyticsGrain>(tenantId)
            : throw ApiException.NotFound("Tenant");

    /// <summary>The referrer without its query and fragment, which may carry personal data (emails, tokens).</summary>
    private static string? Referrer(string header)
    {
        if (header.Length == 0)
        {
            return null;
        }

        return Uri.TryCreate(header, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.GetLeftPart(UriPartial.Path)
            : header.Split('?', '#')[0];
    }

    private static string? Bounded(string? text, int max) =>
        string.IsNullOrEmpty(text) ? null : text.Length <= max ? text : text[..max];
}
