using System.Runtime.CompilerServices;
using System.Text.Json;
using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Errors;
using HeatmapSaas.Api.Locations;
using HeatmapSaas.Api.Locations.Ingest;
using HeatmapSaas.Errors;
using Microsoft.AspNetCore.SignalR;

namespace HeatmapSaas.Api.Live;

/// <summary>
/// Gateways that keep a connection open stream batches here (<c>Ingest(location, stream of batches)</c>) and read
/// one acknowledgement per batch back: the 202 body plus a status. Any error, 5xx included, answers its batch,
/// never the stream.
/// </summary>
public sealed class IngestHub(LocationAddresses addresses, ILogger<IngestHub> logger) : Hub
{
    public const string Path = "/hubs/ingest";

    public async IAsyncEnumerable<IngestAck> Ingest(
        string location, IAsyncEnumerable<JsonElement> batches, [EnumeratorCancellation] CancellationToken ct)
    {
        var caller = Caller.From(Context.GetHttpContext()!);
        await foreach (var batch in batches.WithCancellation(ct))
        {
            yield return await IngestOneAsync(caller, location, batch);
        }
    }

    private async Task<IngestAck> IngestOneAsync(Caller caller, string location, JsonElement batch)
    {
        var batchId = batch.ValueKind == JsonValueKind.Object && batch.TryGetProperty("batch_id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;
        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(batch);
            if (body.Length > SensorBatchParser.MaxBodyBytes)
            {
                throw new ApiException(ApiErrorCode.PayloadTooLarge, "A batch is at most 4 MiB");
            }

            var receipt = await IngestCall.RunAsync(addresses, caller, location, SensorBatchParser.ParseJson(body));
            return IngestAck.From(IngestReceiptResponse.From(receipt));
        }
        catch (Exception e) when (e is not OperationCanceledException || !Context.ConnectionAborted.IsCancellationRequested)
        {
            // Every failure, 5xx included, answers its own batch: the gateway retries that batch, the stream goes on.
            var refusal = ErrorHandling.ToApiException(e);
            if (refusal.Code >= ApiErrorCode.InternalError)
            {
                logger.LogError(e, "Ingest hub batch {BatchId} for {Location} failed", batchId, location);
            }

            return new IngestAck(batchId, 0, 0, false, [], (int)refusal.Code, ErrorEnvelope.From(refusal).Error, refusal.RetryAfterSeconds);
        }
    }
}

public sealed record IngestAck(
    string? BatchId,
    int Accepted,
    int Rejected,
    bool Duplicate,
    IReadOnlyList<IngestErrorResponse> Errors,
    int Status,
    ErrorBody? Error = null,
    int? RetryAfter = null)
{
    public static IngestAck From(IngestReceiptResponse r) => new(r.BatchId, r.Accepted, r.Rejected, r.Duplicate, r.Errors, 202);
}
