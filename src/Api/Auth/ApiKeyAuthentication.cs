using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HeatmapSaas.Errors;
using HeatmapSaas.Api.Errors;
using HeatmapSaas.Tenants;

namespace HeatmapSaas.Api.Auth;

/// <summary>
/// Authenticates endpoints that carry an <see cref="AccessRequirement"/>: resolves the key, counts the request
/// against the tenant's hourly quota (headers included) and checks the key's scope.
/// </summary>
public sealed class ApiKeyAuthentication(RequestDelegate next, IGrainFactory grains, ApiKeyCache keys, IConfiguration config, TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AccessRequirement>() is not { } requirement)
        {
            await next(context);
            return;
        }

        var presented = PresentedKey(context.Request);
        if (requirement.Access == Access.Admin)
        {
            await (AdminKeyRefusal(presented) is { } refusal ? ErrorEnvelope.WriteAsync(context, refusal) : next(context));
            return;
        }

        var holder = presented is null ? null : await keys.HolderAsync(ApiKeySecret.Hash(presented));
        if (holder is null)
        {
            await ErrorEnvelope.WriteAsync(context, new ApiException(ApiErrorCode.Unauthorized,
                presented is null ? "Missing API key: send Authorization: Bearer YOUR_API_KEY" : "Invalid API key"));
            return;
        }

        if (requirement.Access != Access.Ingest)
        {
            var allowance = await grains.GetGrain<ITenantGrain>(holder.TenantId).ConsumeRequestAsync();
            // On starting, so the headers survive the exception handler clearing the response for an error body.
            context.Response.OnStarting(() =>
            {
                WriteQuotaHeaders(context.Response, allowance);
                return Task.CompletedTask;
            });
            if (!allowance.Allowed)
            {
                await ErrorEnvelope.WriteAsync(context, new ApiException(ApiErrorCode.RateLimited,
                    $"Rate limit of {allowance.Limit} requests per hour exceeded; retry after the window resets"));
                return;
            }
        }

        if (!AccessRules.Permits(holder.Scope, requirement.Access, context.Request.Method))
        {
            await ErrorEnvelope.WriteAsync(context, new ApiException(ApiErrorCode.Forbidden,
                $"This API key's scope '{ScopeName(holder.Scope)}' does not allow this request"));
            return;
        }

        new Caller(holder.TenantId, holder.KeyId, holder.Scope).AttachTo(context);
        if (requirement.Access == Access.Ingest)
        {
            await IngestCountingMistakesAsync(context, holder.TenantId);
            return;
        }

        await next(context);
    }

    /// <summary>Ingest is not counted against the hourly quota, but its 400s and 404s are: otherwise a key could
    /// probe ids or send garbage for free.</summary>
    private async Task IngestCountingMistakesAsync(HttpContext context, long tenantId)
    {
        var status = 0;
        try
        {
            await next(context);
            status = context.Response.StatusCode;
        }
        catch (Exception e)
        {
            status = (int)ErrorHandling.ToApiException(e).Code;
            throw;
        }
        finally
        {
            if (status is StatusCodes.Status400BadRequest or StatusCodes.Status404NotFound)
            {
                await grains.GetGrain<ITenantGrain>(tenantId).ConsumeRequestAsync();
            }
        }
    }

    /// <summary><c>Authorization: Bearer KEY</c> (seed 000), <c>Authorization: KEY</c> (seed 002), or for hubs
    /// the <c>access_token</c> query parameter browsers' WebSockets must use.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString().Trim();
        if (header.Length > 0)
        {
            return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : header;
        }

        return request.Path.StartsWithSegments("/hubs") && request.Query["access_token"].ToString() is { Length: > 0 } token
            ? token
            : null;
    }

    /// <summary>Why the admin route refuses this key, or null to let it through. Hashing both sides first makes
    /// the comparison constant-time whatever the lengths.</summary>
    private ApiException? AdminKeyRefusal(string? presented)
    {
        if (config["Heatmap:AdminKey"] is not { Length: > 0 } adminKey)
        {
            return new ApiException(ApiErrorCode.NotFound, "Admin routes are disabled (Heatmap:AdminKey is not set)");
        }

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(adminKey));
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(presented ?? ""));
        return presented is not null && CryptographicOperations.FixedTimeEquals(expected, actual)
            ? null
            : new ApiException(ApiErrorCode.Unauthorized, "This route needs the admin key");
    }

    private void WriteQuotaHeaders(HttpResponse response, RequestAllowance allowance)
    {
        if (allowance.Limit is not { } limit)
        {
            return;
        }

        var secondsToReset = Math.Max(0, (long)Math.Ceiling((allowance.WindowEnd - clock.GetUtcNow()).TotalSeconds));
        var headers = response.Headers;
        headers["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = allowance.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = allowance.WindowEnd.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Policy"] = $"\"hourly\";q={limit};w=3600";
        headers["RateLimit"] = $"\"hourly\";r={allowance.Remaining};t={secondsToReset}";
        if (!allowance.Allowed)
        {
            headers.RetryAfter = secondsToReset.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string ScopeName(KeyScope scope) => scope.ToString().ToLowerInvariant();
}
