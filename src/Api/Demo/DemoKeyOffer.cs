using System.Net;
using HeatmapSaas.Silo;

namespace HeatmapSaas.Api.Demo;

/// <summary>
/// The Demo tenant's key, offered to the dashboard on first run so a new user need not copy it from the console.
/// Only in the embedded mode (memory state: the key dies with the process, and the machine is the user's own)
/// and only to a browser on this machine; never in PostgreSQL mode, where the key guards durable data.
/// </summary>
public sealed class DemoKeyOffer(IConfiguration config)
{
    private readonly TaskCompletionSource _kept = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _secret;

    /// <summary>Completes once the bootstrap has handed over a key (a start with an existing tenant never does).</summary>
    public Task Kept => _kept.Task;

    public bool Allowed => config.PostgresConnectionString() is null;

    /// <summary>Kept only when this mode may offer it (called once, when the bootstrap created the Demo tenant).</summary>
    public void Keep(string secret)
    {
        if (Allowed)
        {
            _secret = secret;
            _kept.TrySetResult();
        }
    }

    /// <summary>The key, for a direct loopback request (a request through a proxy may come from anywhere).</summary>
    public string? For(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        var proxied = context.Request.Headers.ContainsKey("X-Forwarded-For") || context.Request.Headers.ContainsKey("Forwarded");
        return Allowed && remote is not null && IPAddress.IsLoopback(remote) && !proxied ? _secret : null;
    }
}
