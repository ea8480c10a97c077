using System.Net;
using System.Net.Sockets;

namespace ReferenceApp.Testing;

/// <summary>Free loopback TCP ports for servers a test starts.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The offsets from the AppHost's <c>Ports:Base</c>: the Web, the Api, the hub and the dashboard's four addresses.</summary>
    public static readonly int[] AppHostOffsets = [0, 80, 90, 13887, 13888, 13889, 13890];

    /// <summary>A <c>Ports:Base</c> for the AppHost at which every port it derives is free now.</summary>
    public static int AppHostBase()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var basePort = Random.Shared.Next(20000, 40000);
            if (AppHostOffsets.All(offset => CanBind(basePort + offset)))
            {
                return basePort;
            }
        }

        throw new InvalidOperationException("No base port with all the AppHost's ports free in 100 attempts.");
    }

    /// <summary>True when a new listener can take the port on every address: nothing holds it.</summary>
    public static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Any, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>True when something accepts connections on the loopback port.</summary>
    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
