using System.Globalization;
using System.Net.Sockets;
using System.Net;
using Microsoft.Extensions.Logging;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Balancing;

/// <summary>
/// Every worker binds the public port itself with SO_REUSEPORT and the kernel spreads new connections across the listening
/// sockets. The Supervisor is not in the data path, so it only checks at start-up that no other process holds the port.
/// Caveat: connections already queued on a worker's listen socket when that socket closes are reset by the kernel, so a
/// draining worker can lose a few queued connections under load (a handoff policy does not have that weakness).
/// </summary>
internal sealed partial class ReusePortPolicy(ILogger<ReusePortPolicy> logger) : IBalancingPolicy
{
    private BalancingContext? _context;

    public BalancingMode Mode => BalancingMode.ReusePort;

    public ValueTask StartAsync(BalancingContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        EnsurePortIsFree(context.Address, context.Port);
        _context = context;
        Log.Prepared(logger, context.Address, context.Port);
        return ValueTask.CompletedTask;
    }

    public void ConfigureWorker(BalancedWorker worker, IDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var context = _context ?? throw new InvalidOperationException("StartAsync must run before workers are configured.");
        environment[WorkerVariables.Listen] = ListenUri(context.Address, context.Port);
    }

    // The kernel decides per connection; nothing to track.
    public void WorkerReady(BalancedWorker worker)
    {
    }

    public void WorkerLeaving(BalancedWorker worker)
    {
    }

    public ValueTask StopAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary><c>reuseport://0.0.0.0:8080</c>, or <c>reuseport://[::]:8080</c> for IPv6.</summary>
    internal static string ListenUri(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"reuseport://[{address}]:{port.ToString(CultureInfo.InvariantCulture)}"
            : $"reuseport://{address}:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Binds without SO_REUSEPORT: that fails if any socket holds the port, including another process's SO_REUSEPORT group
    /// that our workers could otherwise silently join (the kernel allows that for sockets of the same user).
    /// </summary>
    private static void EnsurePortIsFree(IPAddress address, int port)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.Equals(IPAddress.IPv6Any))
        {
            probe.DualMode = true;
        }

        try
        {
            probe.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new BalancingException(
                $"Port {port} on {address} is already in use by another process. Stop that process or choose another --port.", exception);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AccessDenied)
        {
            throw new BalancingException(
                $"Binding port {port} on {address} was denied. Ports below 1024 need CAP_NET_BIND_SERVICE; choose a port of 1024 or more.", exception);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            throw new BalancingException($"Address {address} is not an address of this machine. Choose another --address.", exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ReusePortPrepared, EventName = nameof(EventIds.ReusePortPrepared), Level = LogLevel.Information,
            Message = "Balancing: ReusePort, workers bind {Address}:{Port} with SO_REUSEPORT and the kernel spreads connections")]
        public static partial void Prepared(ILogger logger, IPAddress address, int port);
    }
}
