namespace HeatmapSaas.Grains.Webhooks;

/// <summary>
/// When to try a failed delivery again: exponential backoff from <see cref="WebhookOptions.RetryBase"/>, capped at
/// <see cref="WebhookOptions.MaxRetryDelay"/>, with jitter so many receivers that failed together do not all come
/// back at once, and a receiver's <c>Retry-After</c> taking precedence. Gives up once the next try would fall
/// outside <see cref="WebhookOptions.RetryWindow"/> of the delivery's creation.
/// </summary>
public sealed class RetrySchedule(WebhookOptions options, Func<double> random)
{
    public RetrySchedule(WebhookOptions options)
        : this(options, Random.Shared.NextDouble)
    {
    }

    /// <summary>The instant of the next try after <paramref name="failedAttempts"/> failures, or null to give up.</summary>
    public DateTimeOffset? Next(int failedAttempts, DateTimeOffset createdAt, DateTimeOffset now, TimeSpan? retryAfter)
    {
        var delay = retryAfter is { } asked && asked > TimeSpan.Zero
            ? (asked < options.MaxRetryDelay ? asked : options.MaxRetryDelay)
            : Backoff(failedAttempts);
        var next = now + delay;
        return next - createdAt > options.RetryWindow ? null : next;
    }

    /// <summary>Between half and all of base × 2^(n−1), never above the cap: the first retry comes within the base.</summary>
    public TimeSpan Backoff(int failedAttempts)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var full = Math.Min(options.RetryBase.TotalMilliseconds * Math.Pow(2, exponent), options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(full * (0.5 + 0.5 * random()));
    }
}
