using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker;

/// <summary>
/// Makes Kestrel listen on the public endpoint with SO_REUSEPORT, so every worker of the Supervisor binds the same port and
/// the kernel spreads new connections across them. The endpoint replaces ASPNETCORE_URLS (the Supervisor removes it).
/// </summary>
internal static class ReusePortListener
{
    // <sys/socket.h> on Linux: SOL_SOCKET = 1, SO_REUSEPORT = 15 (socket(7)).
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    public static void Configure(IServiceCollection services, IPEndPoint endpoint)
    {
        services.Configure<KestrelServerOptions>(kestrel => kestrel.Listen(endpoint));
        services.Configure<SocketTransportOptions>(transport =>
        {
            var createDefault = transport.CreateBoundListenSocket;
            transport.CreateBoundListenSocket = bound => bound is IPEndPoint ip && ip.Equals(endpoint)
                ? CreateBoundSocket(ip)
                : createDefault(bound);
        });
    }

    /// <summary>A bound, not yet listening socket with SO_REUSEPORT; Kestrel calls listen(2) on it.</summary>
    internal static Socket CreateBoundSocket(IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
            socket.Bind(endpoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
