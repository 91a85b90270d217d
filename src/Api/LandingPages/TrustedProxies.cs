using System.Net;
using Microsoft.Extensions.Primitives;

namespace HeatmapSaas.Api.LandingPages;

/// <summary>
/// Which peers may tell us the client's address in <c>X-Forwarded-For</c>: <c>Heatmap:Analytics:TrustedProxies</c>,
/// a comma-separated string or a list of addresses and CIDR ranges (<c>10.0.0.0/8</c>, <c>::1</c>), where the word
/// <c>loopback</c> stands for 127.0.0.0/8 and ::1. Unset: loopback. Set to an empty string: nobody.
/// </summary>
public sealed class TrustedProxies
{
    public const string ConfigKey = "Heatmap:Analytics:TrustedProxies";

    /// <summary>Hops read from the right of the header at most; a longer chain is not believed further.</summary>
    private const int MaxHops = 16;

    private static readonly System.Net.IPNetwork[] Loopback =
        [System.Net.IPNetwork.Parse("127.0.0.0/8"), System.Net.IPNetwork.Parse("::1/128")];

    private readonly IReadOnlyList<System.Net.IPNetwork> _networks;

    public TrustedProxies(IEnumerable<System.Net.IPNetwork> networks) => _networks = networks.ToList();

    public static TrustedProxies From(IConfiguration config)
    {
        var section = config.GetSection(ConfigKey);
        IEnumerable<string> entries = section.Value is { } value
            ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value?.Trim() ?? "").Where(v => v.Length > 0).ToList() is { Count: > 0 } list
                ? list
                : ["loopback"];
        return new TrustedProxies(entries.SelectMany(Parse));
    }

    public bool IsTrusted(IPAddress address)
    {
        var normalized = Normalize(address);
        return _networks.Any(n => n.Contains(normalized));
    }

    /// <summary>
    /// The client's address: the connection's, unless the connection comes from a trusted proxy; then the header is
    /// read from the right (the hop the proxy itself added) past every trusted proxy, and the first address that is
    /// not one is the client. A malformed hop ends the walk at the last address vouched for.
    /// </summary>
    public IPAddress ClientAddress(IPAddress? remote, StringValues forwardedFor)
    {
        var current = Normalize(remote ?? IPAddress.Loopback);
        if (!IsTrusted(current) || StringValues.IsNullOrEmpty(forwardedFor))
        {
            return current;
        }

        var hops = forwardedFor.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        for (var i = hops.Count - 1; i >= 0 && i >= hops.Count - MaxHops; i--)
        {
            if (!TryParseHop(hops[i], out var hop))
            {
                break;
            }

            current = hop;
            if (!IsTrusted(hop))
            {
                break;
            }
        }

        return current;
    }

    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool TryParseHop(string hop, out IPAddress address)
    {
        if (IPAddress.TryParse(hop, out var parsed) || IPEndPoint.TryParse(hop, out var endpoint) && (parsed = endpoint.Address) is not null)
        {
            address = Normalize(parsed);
            return true;
        }

        address = IPAddress.None;
        return false;
    }

    private static IEnumerable<System.Net.IPNetwork> Parse(string entry)
    {
        if (entry.Equals("loopback", StringComparison.OrdinalIgnoreCase))
        {
            return Loopback;
        }

        if (System.Net.IPNetwork.TryParse(entry, out var network))
        {
            return [network];
        }

        if (IPAddress.TryParse(entry, out var address))
        {
            address = Normalize(address);
            return [new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)];
        }

        throw new InvalidOperationException($"{ConfigKey}: '{entry}' is neither an IP address, a CIDR range nor 'loopback'.");
    }
}
