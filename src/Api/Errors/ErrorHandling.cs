using System.Text.Json;
using HeatmapSaas.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace HeatmapSaas.Api.Errors;

/// <summary>The one mapping from anything that goes wrong to the error envelope; never a stack trace.</summary>
public static class ErrorHandling
{
    public static IServiceCollection AddErrorEnvelope(this IServiceCollection services)
    {
        // Binding failures (bad JSON, wrong content type) throw, so they reach the mapping below with their reason.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }

    public static WebApplication UseErrorEnvelope(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // The middleware's own "unhandled exception" error (with a stack trace) is for real faults only; an
            // ApiException or a bad request is an ordinary answer, logged below at Debug (a 503 at Warning), no stack trace.
            SuppressDiagnosticsCallback = c => ToApiException(c.Exception).Code != ApiErrorCode.InternalError,
            ExceptionHandler = AnswerAsync,
        });

        // Responses that end without a body (no route, wrong method, a bare status) still answer in the envelope.
        app.UseStatusCodePages(context => context.HttpContext.Response.StatusCode switch
        {
            404 => ErrorEnvelope.WriteAsync(context.HttpContext, new ApiException(ApiErrorCode.NotFound,
                $"No route matches {context.HttpContext.Request.Method} {context.HttpContext.Request.Path}")),
            405 => ErrorEnvelope.WriteAsync(context.HttpContext, new ApiException(ApiErrorCode.MethodNotAllowed,
                $"Method {context.HttpContext.Request.Method} is not allowed on {context.HttpContext.Request.Path}")),
            var status and >= 400 => ErrorEnvelope.WriteAsync(context.HttpContext, new ApiException(
                Enum.IsDefined(typeof(ApiErrorCode), status) ? (ApiErrorCode)status : ApiErrorCode.InvalidRequest,
                ReasonPhrase(status))),
            _ => Task.CompletedTask,
        });
        return app;
    }

    private static Task AnswerAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var mapped = ToApiException(error);
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("HeatmapSaas.Errors");
        if ((int)mapped.Code < 500)
        {
            logger.LogDebug("Request {Method} {Path} answered {Status} {Code}: {Message}",
                context.Request.Method, context.Request.Path, (int)mapped.Code, ErrorEnvelope.CodeName(mapped.Code), mapped.Message);
        }
        else if (mapped.Code == ApiErrorCode.ServiceUnavailable)
        {
            // Expected while a silo fails over or the database is away: the client is told to retry.
            logger.LogWarning("Request {Method} {Path} answered 503: {Reason}", context.Request.Method, context.Request.Path, error?.Message);
        }

        if (mapped.RetryAfterSeconds is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return ErrorEnvelope.WriteAsync(context, mapped);
    }

    public static ApiException ToApiException(Exception? error) => error switch
    {
        ApiException api => api,
        BadHttpRequestException { InnerException: JsonException json } => BadJson(json),
        BadHttpRequestException bad => bad.StatusCode switch
        {
            413 => new ApiException(ApiErrorCode.PayloadTooLarge, "The request body is too large"),
            415 => new ApiException(ApiErrorCode.UnsupportedMediaType, "Content-Type must be application/json"),
            _ => new ApiException(ApiErrorCode.InvalidRequest, bad.Message),
        },
        JsonException json => BadJson(json),
        TimeoutException or Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException
            or Orleans.Runtime.Messaging.ConnectionFailedException =>
            new ApiException(ApiErrorCode.ServiceUnavailable, "The service is briefly unavailable; retry shortly", retryAfterSeconds: 5),
        _ => new ApiException(ApiErrorCode.InternalError, "An unexpected error occurred"),
    };

    private static ApiException BadJson(JsonException json)
    {
        var parameter = json.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
        return parameter is null
            ? new ApiException(ApiErrorCode.InvalidRequest, "The request body is not valid JSON")
            : ApiException.Invalid(parameter, $"Invalid value for {parameter}");
    }

    private static string ReasonPhrase(int status) =>
        ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Request failed";
}
