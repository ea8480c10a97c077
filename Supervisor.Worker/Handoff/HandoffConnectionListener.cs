using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using ReferenceApp.Supervisor.Contracts.Interop;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Interop;

namespace ReferenceApp.Supervisor.Worker.Handoff;

/// <summary>
/// Yields each connection the Supervisor hands over as a Kestrel connection. Kestrel calls <see cref="AcceptAsync"/>
/// from one loop, so the pending batch needs no locking.
/// </summary>
/// <remarks>
/// Stopping is where connections get lost, so it is staged. Kestrel ends every connection that is not in the middle of a
/// request as soon as its accept loop ends (<see cref="AcceptAsync"/> returning null). So when Kestrel unbinds, this
/// listener first refuses new handoffs (the Supervisor's next send goes to another worker), serves what was already
/// queued, and then keeps the accept loop open while its connections drain: each keep-alive client gets
/// <c>Connection: close</c> on its next response (see <see cref="HandoffDrain"/>) and reconnects elsewhere. Only when
/// they have all closed, or <see cref="DrainGrace"/> has passed, does the accept loop end.
/// </remarks>
internal sealed partial class HandoffConnectionListener(
    HandoffEndPoint endpoint,
    HandoffChannel channel,
    SocketConnectionContextFactory connections,
    HandoffDrain drain,
    bool noDelay,
    ILogger<HandoffConnectionListener> logger) : IConnectionListener
{
    /// <summary>
    /// The longest the accept loop stays open for connections to drain. Busy keep-alive clients leave within one request;
    /// this bounds the wait for idle ones and for long-lived streams (WebSockets, SSE), which are then closed.
    /// </summary>
    internal static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    private readonly int[] _pending = new int[HandoffProtocol.MaxConnectionsPerMessage];
    private readonly CancellationTokenSource _unbinding = new();
    private int _next;
    private int _count;
    private bool _supervisorClosed;

    public EndPoint EndPoint => endpoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            while (_next < _count)
            {
                if (Wrap(_pending[_next++]) is { } connection)
                {
                    return connection;
                }
            }

            _next = _count = 0;
            var received = _supervisorClosed ? HandoffResult.Closed : channel.TryReceive(_pending, out _count);
            if (received == HandoffResult.Done)
            {
                continue;
            }

            if (received == HandoffResult.Closed && !_supervisorClosed && !_unbinding.IsCancellationRequested)
            {
                // The Supervisor took this worker out of rotation (it is about to be drained) or is gone. Connections
                // already handed over keep being served; the accept loop ends only when Kestrel unbinds, after the drain.
                _supervisorClosed = true;
                Log.SupervisorClosedHandoff(logger, endpoint.Path);
            }

            if (_unbinding.IsCancellationRequested)
            {
                await drain.DrainAsync(DrainGrace);
                Log.Drained(logger, drain.OpenConnections);
                return null;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbinding.Token);
            try
            {
                if (_supervisorClosed)
                {
                    await Task.Delay(Timeout.Infinite, wait.Token);
                }
                else
                {
                    await channel.WaitReadableAsync(wait.Token);
                }
            }
            catch (OperationCanceledException) when (_unbinding.IsCancellationRequested)
            {
                // Unbinding: loop once more to serve whatever was queued before the channel stopped receiving.
            }
            catch (SocketException exception)
            {
                Log.HandoffFailed(logger, endpoint.Path, exception.SocketErrorCode);
                _supervisorClosed = true;
            }
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        // Order matters: first refuse new handoffs (the Supervisor routes them to another worker), then wake the accept
        // loop, which serves what is already queued and drains before it reports the end.
        channel.StopReceiving();
        _unbinding.Cancel();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _unbinding.Cancel();
        channel.Dispose();
        while (_next < _count)
        {
            HandoffChannel.CloseReceived(_pending[_next++]);
        }

        connections.Dispose();
        _unbinding.Dispose();
        return ValueTask.CompletedTask;
    }

    private ConnectionContext? Wrap(int descriptor)
    {
        Socket socket;
        try
        {
            socket = new Socket(new SafeSocketHandle(descriptor, ownsHandle: true));
        }
        catch (SocketException exception)
        {
            // The SafeSocketHandle owns and closes the descriptor even when the Socket cannot be built around it.
            Log.UnusableConnection(logger, exception.SocketErrorCode);
            return null;
        }

        try
        {
            if (noDelay && socket.ProtocolType == ProtocolType.Tcp)
            {
                socket.NoDelay = true;
            }

            var connection = connections.Create(socket);
            drain.Opened();
            connection.ConnectionClosed.Register(static state => ((HandoffDrain)state!).Closed(), drain);
            return connection;
        }
        catch (SocketException exception)
        {
            // The client may already have gone between the Supervisor's accept and now.
            Log.UnusableConnection(logger, exception.SocketErrorCode);
            socket.Dispose();
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.HandoffClosedBySupervisor, EventName = nameof(EventIds.HandoffClosedBySupervisor), Level = LogLevel.Information,
            Message = "The Supervisor closed the handoff socket {Path}: no more connections will arrive")]
        public static partial void SupervisorClosedHandoff(ILogger logger, string path);

        [LoggerMessage(EventId = EventIds.HandoffFailed, EventName = nameof(EventIds.HandoffFailed), Level = LogLevel.Error,
            Message = "Receiving connections from the handoff socket {Path} failed: {Error}")]
        public static partial void HandoffFailed(ILogger logger, string path, SocketError error);

        [LoggerMessage(EventId = EventIds.HandedOffConnectionUnusable, EventName = nameof(EventIds.HandedOffConnectionUnusable), Level = LogLevel.Debug,
            Message = "A handed-over connection could not be used and was closed: {Error}")]
        public static partial void UnusableConnection(ILogger logger, SocketError error);

        [LoggerMessage(EventId = EventIds.HandoffDrained, EventName = nameof(EventIds.HandoffDrained), Level = LogLevel.Information,
            Message = "Stopped taking connections; {Open} handed-over connections were still open after the drain")]
        public static partial void Drained(ILogger logger, int open);
    }
}
