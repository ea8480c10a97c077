using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using ReferenceApp.ServiceDefaults.Interop;

namespace ReferenceApp.ServiceDefaults.Supervision.Handoff;

/// <summary>
/// Yields each connection the Supervisor hands over as a Kestrel connection. Kestrel calls <see cref="AcceptAsync"/>
/// from one loop, so the pending batch needs no locking.
/// </summary>
internal sealed partial class HandoffConnectionListener(
    HandoffEndPoint endpoint,
    HandoffChannel channel,
    SocketConnectionContextFactory connections,
    bool noDelay,
    ILogger<HandoffConnectionListener> logger) : IConnectionListener
{
    private readonly int[] _pending = new int[HandoffProtocol.MaxConnectionsPerMessage];
    private readonly CancellationTokenSource _unbinding = new();
    private int _next;
    private int _count;

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
            switch (channel.TryReceive(_pending, out _count))
            {
                case HandoffResult.Done:
                    continue;
                case HandoffResult.Closed:
                    if (!_unbinding.IsCancellationRequested)
                    {
                        Log.SupervisorClosedHandoff(logger, endpoint.Path);
                    }

                    return null;
            }

            if (_unbinding.IsCancellationRequested)
            {
                return null;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbinding.Token);
            try
            {
                await channel.WaitReadableAsync(wait.Token);
            }
            catch (OperationCanceledException) when (_unbinding.IsCancellationRequested)
            {
                // Unbinding: loop once more to serve whatever was queued before the channel stopped receiving.
            }
            catch (SocketException exception)
            {
                Log.HandoffFailed(logger, endpoint.Path, exception.SocketErrorCode);
                return null;
            }
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        // Order matters: first refuse new handoffs (the Supervisor routes them to another worker), then wake the accept
        // loop, which drains what is already queued and only then reports the end.
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
            ScmRights.CloseDescriptor(_pending[_next++]);
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

            return connections.Create(socket);
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
        [LoggerMessage(EventId = 1, EventName = "HandoffClosedBySupervisor", Level = LogLevel.Warning,
            Message = "The Supervisor closed the handoff socket {Path}: no more connections will arrive")]
        public static partial void SupervisorClosedHandoff(ILogger logger, string path);

        [LoggerMessage(EventId = 2, EventName = "HandoffFailed", Level = LogLevel.Error,
            Message = "Receiving connections from the handoff socket {Path} failed: {Error}")]
        public static partial void HandoffFailed(ILogger logger, string path, SocketError error);

        [LoggerMessage(EventId = 3, EventName = "HandedOffConnectionUnusable", Level = LogLevel.Debug,
            Message = "A handed-over connection could not be used and was closed: {Error}")]
        public static partial void UnusableConnection(ILogger logger, SocketError error);
    }
}
