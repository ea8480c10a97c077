using System.Net;
using System.Net.Sockets;

namespace ReferenceApp.AppHost.Hosting.Ports;

/// <summary>Checks fixed ports and picks free ones on loopback, never handing out the same port twice in one run.</summary>
internal sealed class PortAllocator
{
    private readonly HashSet<int> _given = [];
    private readonly Lock _lock = new();

    /// <summary>A free loopback port, chosen by the kernel. Another process could take it before our child binds it; that race is accepted.</summary>
    public int Free()
    {
        lock (_lock)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (_given.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>Reserves <paramref name="port"/> for this run; false when something already listens on it (IPv4 or IPv6 loopback).</summary>
    public bool TryReserve(int port)
    {
        lock (_lock)
        {
            if (_given.Contains(port) || !CanBind(IPAddress.Loopback, port) || (Socket.OSSupportsIPv6 && !CanBind(IPAddress.IPv6Loopback, port)))
            {
                return false;
            }

            _given.Add(port);
            return true;
        }
    }

    /// <summary>True when nothing listens on <paramref name="port"/> on loopback.</summary>
    public static bool IsFree(int port) => CanBind(IPAddress.Loopback, port) && (!Socket.OSSupportsIPv6 || CanBind(IPAddress.IPv6Loopback, port));

    private static bool CanBind(IPAddress address, int port)
    {
        try
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen();
            return true;
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return false;
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported)
        {
            // No IPv6 loopback on this machine: nothing can hold the port there either.
            return true;
        }
    }
}
