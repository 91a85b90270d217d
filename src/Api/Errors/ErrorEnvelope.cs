using System.Text.Json;
using HeatmapSaas.Errors;

namespace HeatmapSaas.Api.Errors;

/// <summary>The seed-000 error body, the one shape every error on every route answers in.</summary>
public sealed record ErrorEnvelope(ErrorBody Error)
{
    public static ErrorEnvelope From(ApiException e) => new(new ErrorBody(
        CodeName(e.Code), e.Message, e.Parameter is null ? null : new ErrorDetails(e.Parameter, ProblemName(e.Problem))));

    public static string CodeName(ApiErrorCode code) => code switch
    {
        ApiErrorCode.InvalidRequest => "INVALID_REQUEST",
        ApiErrorCode.Unauthorized => "UNAUTHORIZED",
        ApiErrorCode.PaymentFailed => "PAYMENT_FAILED",
        ApiErrorCode.Forbidden => "FORBIDDEN",
        ApiErrorCode.NotFound => "NOT_FOUND",
        ApiErrorCode.MethodNotAllowed => "METHOD_NOT_ALLOWED",
        ApiErrorCode.Conflict => "CONFLICT",
        ApiErrorCode.PayloadTooLarge => "PAYLOAD_TOO_LARGE",
        ApiErrorCode.UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
        ApiErrorCode.RateLimited => "RATE_LIMITED",
        ApiErrorCode.ServiceUnavailable => "SERVICE_UNAVAILABLE",
        _ => "INTERNAL_ERROR",
    };

    private static string ProblemName(ParameterProblem? problem) => problem switch
    {
        ParameterProblem.Required => "required",
        ParameterProblem.OutOfRange => "out_of_range",
        ParameterProblem.Unknown => "unknown",
        _ => "invalid",
    };

    /// <summary>Writes the envelope for the exception, unless the response has already started.</summary>
    public static async Task WriteAsync(HttpContext context, ApiException e)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = (int)e.Code;
        if (e.Code == ApiErrorCode.Unauthorized)
        {
            // RFC 9110: a 401 names the scheme that would succeed.
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"HeatmapSaas\"";
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        if (context.Request.Path.StartsWithSegments("/api/analytics"))
        {
            // Seed 001's routes answer with a success flag; errors keep it beside the envelope.
            await JsonSerializer.SerializeAsync(context.Response.Body, new AnalyticsErrorEnvelope(false, From(e).Error), options);
            return;
        }

        await JsonSerializer.SerializeAsync(context.Response.Body, From(e), options);
    }
}

public sealed record ErrorBody(string Code, string Message, ErrorDetails? Details);

public sealed record ErrorDetails(string Parameter, string Type);

public sealed record AnalyticsErrorEnvelope(bool Success, ErrorBody Error);
