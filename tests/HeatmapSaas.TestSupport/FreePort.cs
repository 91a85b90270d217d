using System.Net;
using System.Net.Sockets;

namespace HeatmapSaas.TestSupport;

public static class FreePort
{
    /// <summary>A TCP port nobody listens on right now, for silos, gateways and servers started by tests and the bench.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
