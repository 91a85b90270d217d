using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace HeatmapSaas.Grains.Webhooks;

/// <summary>
/// Keeps webhooks from being aimed at the product's own network (SSRF): loopback, private, link-local, shared and
/// multicast addresses, and names that resolve to them, are refused at registration and again on every connection,
/// where the address actually dialled is checked (a name that changes its answer after registration gains nothing).
/// Off with <see cref="WebhookOptions.AllowPrivateTargets"/>.
/// </summary>
public sealed class WebhookTargetGuard(IOptions<WebhookOptions> options)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(3);

    public bool AllowsPrivate => options.Value.AllowPrivateTargets;

    /// <summary>Why a URL may not be registered, or null when it may. Names that do not resolve now are accepted:
    /// they are checked again at every send.</summary>
    public async Task<string?> RefusalAsync(Uri url, CancellationToken ct)
    {
        if (AllowsPrivate)
        {
            return null;
        }

        var host = url.IdnHost;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return "url must not point at loopback";
        }

        if (IPAddress.TryParse(host, out var literal))
        {
            return IsForbidden(literal) ? "url must not point at a loopback, private or link-local address" : null;
        }

        IPAddress[] addresses;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ResolveTimeout);
            addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }

        return addresses.Any(IsForbidden) ? "url resolves to a loopback, private or link-local address" : null;
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/> of the webhook client: resolves, refuses forbidden
    /// addresses with <see cref="WebhookTargetRefusedException"/>, and connects to the address it checked.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
        if (!AllowsPrivate && addresses.FirstOrDefault(IsForbidden) is { } forbidden)
        {
            throw new WebhookTargetRefusedException($"{endpoint.Host} resolves to {forbidden}, a loopback, private or link-local address");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        // IPv6 forms that lead to an IPv4 address are judged by that address too.
        if (EmbeddedIPv4.Unjudgeable(address) || EmbeddedIPv4.Of(address).Any(IsForbidden))
        {
            return true;
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)
            || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal
                   || address.IsIPv6Multicast;
        }

        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] is >= 64 and <= 127, // shared address space (carrier-grade NAT)
            169 => b[1] == 254,              // link-local, cloud metadata services
            172 => b[1] is >= 16 and <= 31,
            192 => b[1] == 168 || (b[1] == 0 && b[2] is 0 or 2), // private; IETF protocol and documentation nets
            198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100), // benchmarking and documentation nets
            203 => b[1] == 0 && b[2] == 113, // documentation
            >= 224 => true,                  // multicast and reserved
            _ => false,
        };
    }
}

/// <summary>A send refused because the endpoint's host resolves to a forbidden address.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);
