using HeatmapSaas.Api.Hosting;
using HeatmapSaas.Errors;
using Microsoft.AspNetCore.Http.Metadata;

namespace HeatmapSaas.Api.Errors;

/// <summary>
/// Refuses a body whose declared length is over the route's limit before reading any of it, so the client gets a
/// clean 413 envelope instead of a connection reset halfway through its upload.
/// </summary>
public sealed class BodySizeGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize
                    ?? HeatmapApi.MaxRequestBodyBytes;
        return context.Request.ContentLength > limit
            ? ErrorEnvelope.WriteAsync(context, new ApiException(ApiErrorCode.PayloadTooLarge,
                $"The request body is larger than {limit} bytes"))
            : next(context);
    }
}
