namespace HeatmapSaas.Grains.Webhooks;

/// <summary><c>Heatmap:Webhooks</c> settings.</summary>
public sealed class WebhookOptions
{
    /// <summary>Allow endpoints on loopback, private and link-local addresses (development and tests only).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>The first retry comes within this; each further one waits up to twice as long.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long after its creation a delivery is still tried.</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>One attempt's limit, connection included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the sender looks for due deliveries it was not woken for (retries, other silos' events).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long finished deliveries (and their attempts) stay listed before they are forgotten.</summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Deliveries a sender claims and sends at once.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>At most this many of one tenant's sends in flight per sender, so the rest of the slots stay free for
    /// other tenants whatever one tenant's endpoints do.</summary>
    public int MaxInFlightPerTenant { get; set; } = 4;
}
