namespace HeatmapSaas.Grains.Live;

/// <summary><c>Heatmap:Live</c> settings.</summary>
public sealed class LiveOptions
{
    /// <summary>At most one push per heatmap or location per interval; changes in between are coalesced.</summary>
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>An observer not renewed within this time is dropped (the API host renews well before).</summary>
    public TimeSpan ObserverExpiry { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A gateway counts as online while its last batch is at most this old.</summary>
    public TimeSpan GatewayOnlineWindow { get; set; } = TimeSpan.FromMinutes(2);
}
