using System.Net;
using System.Net.Sockets;

namespace HeatmapSaas.Grains.Webhooks;

/// <summary>
/// IPv6 forms that carry an IPv4 address a packet may end up at (through a translator, a relay or a tunnel), so the
/// SSRF guard can judge the IPv4 address inside. Forms with no single answer are <see cref="Unjudgeable"/>.
/// </summary>
public static class EmbeddedIPv4
{
    /// <summary>The IPv4 addresses inside an IPv6 address (none for ordinary IPv6 addresses).</summary>
    public static IEnumerable<IPAddress> Of(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            yield break;
        }

        var b = address.GetAddressBytes();
        if (IsZero(b, 0, 10) && b[10] == 0xFF && b[11] == 0xFF)
        {
            yield return V4(b, 12); // IPv4-mapped ::ffff:0:0/96
        }
        else if (IsZero(b, 0, 8) && b[8] == 0xFF && b[9] == 0xFF && b[10] == 0 && b[11] == 0)
        {
            yield return V4(b, 12); // IPv4-translated ::ffff:0:0:0/96 (SIIT)
        }
        else if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && IsZero(b, 4, 8))
        {
            yield return V4(b, 12); // NAT64 well-known prefix 64:ff9b::/96
        }
        else if (b[0] == 0x20 && b[1] == 0x02)
        {
            yield return V4(b, 2); // 6to4 2002::/16: the relay's IPv4 address follows the prefix
        }
        else if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)
        {
            // Teredo 2001::/32: the server in clear, the client's address inverted.
            yield return V4(b, 4);
            yield return new IPAddress([(byte)~b[12], (byte)~b[13], (byte)~b[14], (byte)~b[15]]);
        }
    }

    /// <summary>
    /// Forms refused outright: IPv4-compatible ::/96 (deprecated; every use is suspect) and the local-use NAT64
    /// prefix 64:ff9b:1::/48, whose translator and IPv4 side belong to the operator's own network.
    /// </summary>
    public static bool Unjudgeable(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        return IsZero(b, 0, 12) || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4] == 0x00 && b[5] == 0x01);
    }

    private static IPAddress V4(byte[] b, int at) => new(b.AsSpan(at, 4));

    private static bool IsZero(byte[] b, int from, int count) => b.AsSpan(from, count).IndexOfAnyExcept((byte)0) < 0;
}
