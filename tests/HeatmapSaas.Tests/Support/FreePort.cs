using System.Net;
using System.Net.Sockets;

namespace HeatmapSaas.Tests.Support;

public static class FreePort
{
    /// <summary>A TCP port nobody listens on right now, for silos and gateways started by tests.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
