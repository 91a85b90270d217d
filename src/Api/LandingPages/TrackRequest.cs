using System.Globalization;
using System.Text;
using System.Text.Json;
using HeatmapSaas.Errors;
using HeatmapSaas.LandingPages;
using Microsoft.Net.Http.Headers;

namespace HeatmapSaas.Api.LandingPages;

/// <summary>
/// The body of <c>POST /api/analytics/track</c> (seed 001): <c>{tenant_id, event_type, metadata?}</c>, sent as
/// <c>application/json</c> or, for <c>navigator.sendBeacon</c>, as <c>text/plain</c>.
/// </summary>
/// <remarks><see cref="Path"/> and <see cref="Referrer"/> are a page view's <c>metadata.path</c> and
/// <c>metadata.referrer</c> when they are strings (the snippet sends both).</remarks>
public sealed record TrackRequest(long TenantId, LandingEventType Type, string? MetadataJson, double? Seconds, string? Path = null, string? Referrer = null)
{
    /// <summary>Largest body read: room for 4 KiB of metadata even when its text is escaped.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    public const int MaxMetadataBytes = 4 * 1024;
    public const double MaxSeconds = 86_400;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    /// <summary>Reads and checks the body; every refusal is an <see cref="ApiException"/> naming the field.</summary>
    public static async Task<TrackRequest> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        if (!AcceptedContentType(request.ContentType))
        {
            throw new ApiException(ApiErrorCode.UnsupportedMediaType,
                "Content-Type must be application/json or text/plain (as navigator.sendBeacon sends it)");
        }

        var body = await ReadBodyAsync(request.Body, ct);
        return Parse(body);
    }

    public static TrackRequest Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException)
        {
            throw new ApiException(ApiErrorCode.InvalidRequest, "The request body is not valid JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ApiException(ApiErrorCode.InvalidRequest, "The request body must be a JSON object");
            }

            var tenantId = ReadTenantId(root);
            var type = ReadEventType(root);
            var (metadata, metadataJson) = ReadMetadata(root);
            var seconds = type == LandingEventType.TimeOnPage ? ReadSeconds(metadata) : (double?)null;
            return type == LandingEventType.Pageview
                ? new TrackRequest(tenantId, type, metadataJson, seconds, Text(metadata, "path"), Text(metadata, "referrer"))
                : new TrackRequest(tenantId, type, metadataJson, seconds);
        }
    }

    public static ApiException UnknownTenant(long tenantId) => new(ApiErrorCode.InvalidRequest,
        $"Unknown tenant_id {tenantId.ToString(CultureInfo.InvariantCulture)}", "tenant_id", ParameterProblem.Unknown);

    private static bool AcceptedContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var type = media.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
               || type.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
               || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), ct)) > 0)
        {
            length += read;
        }

        if (length > MaxBodyBytes)
        {
            throw new ApiException(ApiErrorCode.PayloadTooLarge, $"The request body is larger than {MaxBodyBytes} bytes");
        }

        return buffer.AsMemory(0, length);
    }

    private static long ReadTenantId(JsonElement root)
    {
        if (!root.TryGetProperty("tenant_id", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw ApiException.Required("tenant_id");
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var id))
        {
            throw ApiException.Invalid("tenant_id", "tenant_id must be an integer");
        }

        return id > 0 ? id : throw UnknownTenant(id);
    }

    private static LandingEventType ReadEventType(JsonElement root)
    {
        if (!root.TryGetProperty("event_type", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw ApiException.Required("event_type");
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw ApiException.Invalid("event_type", "event_type must be a string");
        }

        return LandingEventTypes.TryParse(value.GetString(), out var type)
            ? type
            : throw new ApiException(ApiErrorCode.InvalidRequest,
                $"Unknown event_type; expected one of {string.Join(", ", LandingEventTypes.Names)}", "event_type", ParameterProblem.Unknown);
    }

    /// <summary>The metadata object and its compact JSON (what is stored, and what the 4 KiB limit applies to).</summary>
    private static (JsonElement? Element, string? Json) ReadMetadata(JsonElement root)
    {
        if (!root.TryGetProperty("metadata", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.Invalid("metadata", "metadata must be a JSON object");
        }

        var json = JsonSerializer.Serialize(value);
        if (Encoding.UTF8.GetByteCount(json) > MaxMetadataBytes)
        {
            throw ApiException.OutOfRange("metadata", $"metadata must be at most {MaxMetadataBytes} bytes of JSON");
        }

        return (value, json);
    }

    private static string? Text(JsonElement? metadata, string name) =>
        metadata is { } m && m.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double ReadSeconds(JsonElement? metadata)
    {
        const string parameter = "metadata.seconds";
        if (metadata is not { } m || !m.TryGetProperty("seconds", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw ApiException.Required(parameter);
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var seconds) || !double.IsFinite(seconds))
        {
            throw ApiException.Invalid(parameter, "metadata.seconds must be a number of seconds");
        }

        return seconds is >= 0 and <= MaxSeconds
            ? seconds
            : throw ApiException.OutOfRange(parameter, $"metadata.seconds must be between 0 and {MaxSeconds:0}");
    }
}
