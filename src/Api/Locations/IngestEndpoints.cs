using System.Buffers;
using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Locations.Ingest;
using HeatmapSaas.Errors;
using HeatmapSaas.Locations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HeatmapSaas.Api.Locations;

/// <summary>Sensor ingest: a gateway's batch, one grain call per batch.</summary>
public static class IngestEndpoints
{
    public static IEndpointRouteBuilder MapIngestEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/locations/{location}/events", Ingest)
            .RequireApiKey(Access.Ingest)
            .WithMetadata(new RequestSizeLimitAttribute(SensorBatchParser.MaxBodyBytes))
            .WithTags("Sensor ingest");
        return routes;
    }

    private static async Task<Accepted<IngestReceiptResponse>> Ingest(
        string location, string? batch_id, string? gateway_id, HttpRequest request, Caller caller, LocationAddresses addresses)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not ("application/json" or "application/x-ndjson"))
        {
            throw new ApiException(ApiErrorCode.UnsupportedMediaType, "Content-Type must be application/json or application/x-ndjson");
        }

        var body = await ReadBodyAsync(request);
        try
        {
            var span = body.AsSpan(0, (int)body.Length);
            var batch = mediaType == "application/json"
                ? SensorBatchParser.ParseJson(span)
                : SensorBatchParser.ParseNdjson(span, batch_id, gateway_id);
            var receipt = await IngestCall.RunAsync(addresses, caller, location, batch);
            return TypedResults.Accepted((string?)null, IngestReceiptResponse.From(receipt));
        }
        finally
        {
            body.Dispose();
        }
    }

    /// <summary>The whole body in a pooled buffer (at most 4 MiB: the route's size limit stops anything larger).</summary>
    private static async Task<PooledBody> ReadBodyAsync(HttpRequest request)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } length and > 0 and <= SensorBatchParser.MaxBodyBytes ? (int)length : 64 * 1024);
        var used = 0;
        while (true)
        {
            if (used == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, used).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(used));
            if (read == 0)
            {
                return new PooledBody(buffer, used);
            }

            used += read;
        }
    }

    private readonly record struct PooledBody(byte[] Buffer, long Length) : IDisposable
    {
        public Span<byte> AsSpan(int start, int length) => Buffer.AsSpan(start, length);

        public void Dispose() => ArrayPool<byte>.Shared.Return(Buffer);
    }
}

public sealed record IngestErrorResponse(int Index, string Code, string Message);

public sealed record IngestReceiptResponse(string BatchId, int Accepted, int Rejected, bool Duplicate, IReadOnlyList<IngestErrorResponse> Errors)
{
    public static IngestReceiptResponse From(IngestReceipt r) =>
        new(r.BatchId, r.Accepted, r.Rejected, r.Duplicate, r.Errors.Select(e => new IngestErrorResponse(e.Index, e.Code, e.Message)).ToList());
}
