using System.Security.Cryptography;
using System.Text;
using HeatmapSaas.Api.Auth;
using HeatmapSaas.Api.Errors;
using HeatmapSaas.Billing;
using HeatmapSaas.Errors;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HeatmapSaas.Api.Idempotency;

/// <summary>Marks an endpoint whose requests honour the <c>Idempotency-Key</c> header.</summary>
public sealed record IdempotentEndpoint;

/// <summary>
/// Stripe's <c>Idempotency-Key</c>: runs after authentication (the key belongs to a tenant) and before anything of
/// the request is looked at. A repeat with the same key, route and body answers the first answer, byte for byte
/// (marked <c>Idempotent-Replayed: true</c>); the same key with another route or body, or while the first request
/// still runs, is a 409. Answers below 500 are kept, errors included; after a 500 the key is released for a retry.
/// </summary>
public sealed class IdempotencyKeys(RequestDelegate next, IGrainFactory grains)
{
    public const string Header = "Idempotency-Key";
    private const int MaxKeyLength = 255;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotentEndpoint>() is null
            || context.Request.Headers[Header].ToString() is not { Length: > 0 } key)
        {
            await next(context);
            return;
        }

        if (key.Length > MaxKeyLength)
        {
            await ErrorEnvelope.WriteAsync(context, ApiException.OutOfRange(Header, $"{Header} must be at most {MaxKeyLength} characters"));
            return;
        }

        var caller = Caller.From(context);
        var fingerprint = await FingerprintAsync(context.Request);
        var record = grains.GetGrain<IIdempotencyGrain>($"{caller.TenantId}/{key}");
        var claim = await record.ClaimAsync(fingerprint);
        switch (claim.Outcome)
        {
            case IdempotencyOutcome.Replay:
                await ReplayAsync(context.Response, claim.Response!);
                return;
            case IdempotencyOutcome.Mismatch:
                await ErrorEnvelope.WriteAsync(context, ApiException.Conflict(
                    $"This {Header} was already used with another request", Header));
                return;
            case IdempotencyOutcome.InFlight:
                await ErrorEnvelope.WriteAsync(context, ApiException.Conflict(
                    $"A request with this {Header} is still being processed; retry later", Header));
                return;
        }

        var original = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        try
        {
            try
            {
                await next(context);
            }
            catch (Exception e) when (ErrorHandling.ToApiException(e) is { Code: < ApiErrorCode.InternalError } refusal)
            {
                // A refusal is the request's answer and is kept like any other; the envelope is written here so it is.
                await ErrorEnvelope.WriteAsync(context, refusal);
            }

            var body = captured.ToArray();
            if (context.Response.StatusCode < 500)
            {
                await record.CompleteAsync(fingerprint, new StoredResponse(context.Response.StatusCode,
                    context.Response.ContentType, context.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null, body));
            }
            else
            {
                await record.ReleaseAsync(fingerprint);
            }

            context.Response.Body = original;
            await original.WriteAsync(body);
        }
        catch
        {
            context.Response.Body = original;
            await record.ReleaseAsync(fingerprint);
            throw;
        }
    }

    /// <summary>The method, path and body bytes: what "the same request" means.</summary>
    private static async Task<string> FingerprintAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async Task ReplayAsync(HttpResponse response, StoredResponse stored)
    {
        response.StatusCode = stored.Status;
        response.ContentType = stored.ContentType;
        if (stored.Location is { } location)
        {
            response.Headers.Location = location;
        }

        response.Headers["Idempotent-Replayed"] = "true";
        await response.Body.WriteAsync(stored.Body);
    }
}

public static class IdempotencyEndpointConventions
{
    public static TBuilder WithIdempotencyKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IdempotentEndpoint());

    /// <summary>Shows the header in the OpenAPI document of every endpoint that honours it.</summary>
    public static OpenApiOptions DescribeIdempotencyKeys(this OpenApiOptions options) =>
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IdempotentEndpoint>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyKeys.Header,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "Repeating a request with the same key and body answers the first answer (kept 24 hours); another body or a request still running answers 409.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
                });
            }

            return Task.CompletedTask;
        });
}
