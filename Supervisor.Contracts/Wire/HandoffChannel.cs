using System.Net.Sockets;
using System.Runtime.InteropServices;
using ReferenceApp.Supervisor.Contracts.Interop;

namespace ReferenceApp.Supervisor.Contracts.Wire;

/// <summary>Outcome of a non-blocking handoff send or receive.</summary>
public enum HandoffResult
{
    /// <summary>The message went out or came in.</summary>
    Done,

    /// <summary>Nothing to receive yet, or the peer's queue is full: try later (or another worker).</summary>
    WouldBlock,

    /// <summary>The other end is gone or stopped receiving; nothing was passed.</summary>
    Closed,
}

/// <summary>
/// One end of a connection handoff socket (see <see cref="HandoffProtocol"/>): the Supervisor sends accepted
/// connections through it, a worker receives them.
/// </summary>
public sealed class HandoffChannel : IDisposable
{
    private static readonly byte[] ConnectionsPayload = [HandoffProtocol.ConnectionsTag];

    private readonly Socket _socket;

    private HandoffChannel(Socket socket) => _socket = socket;

    /// <summary>A sequenced-packet Unix domain socket, the only kind the protocol uses.</summary>
    public static Socket CreateSocket() => new(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);

    /// <summary>Worker end: connects to the Supervisor's handoff socket and presents the worker's secret.</summary>
    public static async Task<HandoffChannel> ConnectAsync(string path, string secret, CancellationToken cancellationToken)
    {
        var socket = CreateSocket();
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
            await socket.SendAsync(HandoffProtocol.Hello(secret), SocketFlags.None, cancellationToken);
            return new HandoffChannel(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Supervisor end: takes the connection a worker made to <paramref name="listener"/> and checks its hello.
    /// Null when the peer presented the wrong secret (it is disconnected).
    /// </summary>
    public static async Task<HandoffChannel?> AcceptAsync(Socket listener, string secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var socket = await listener.AcceptAsync(cancellationToken);
        try
        {
            var buffer = new byte[512];
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (HandoffProtocol.IsHello(buffer.AsSpan(0, received), secret))
            {
                return new HandoffChannel(socket);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        socket.Dispose();
        return null;
    }

    /// <summary>
    /// Passes <paramref name="connections"/> to the worker in one message, without blocking. On <see cref="HandoffResult.Done"/>
    /// the worker owns them and the caller must close its own copies; otherwise nothing was passed.
    /// </summary>
    public HandoffResult Send(ReadOnlySpan<SafeHandle> connections)
    {
        if (connections.Length is 0 or > HandoffProtocol.MaxConnectionsPerMessage)
        {
            throw new ArgumentOutOfRangeException(nameof(connections), connections.Length, $"1 to {HandoffProtocol.MaxConnectionsPerMessage} connections per message.");
        }

        Span<int> descriptors = stackalloc int[connections.Length];
        var referenced = 0;
        try
        {
            // Hold a reference on every handle so that none can be closed (and its number reused) while in flight.
            for (; referenced < connections.Length; referenced++)
            {
                var added = false;
                connections[referenced].DangerousAddRef(ref added);
                descriptors[referenced] = (int)connections[referenced].DangerousGetHandle();
            }

            return Map(ScmRights.Send(_socket.SafeHandle, ConnectionsPayload, descriptors));
        }
        finally
        {
            for (var i = 0; i < referenced; i++)
            {
                connections[i].DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Receives one message without blocking; the received descriptors are close-on-exec and owned by the caller.
    /// <see cref="HandoffResult.Closed"/> when the Supervisor closed the channel or this end stopped receiving and
    /// nothing is left.
    /// </summary>
    public HandoffResult TryReceive(Span<int> descriptors, out int count)
    {
        Span<byte> payload = stackalloc byte[16];
        var status = ScmRights.Receive(_socket.SafeHandle, payload, descriptors, out var payloadLength, out count);
        if (status == ScmRights.Status.Done && (payloadLength == 0 || payload[0] != HandoffProtocol.ConnectionsTag))
        {
            // Not a message this protocol version knows: refuse what it carried rather than serve it blindly.
            foreach (var fd in descriptors[..count])
            {
                ScmRights.CloseDescriptor(fd);
            }

            count = 0;
        }

        return Map(status);
    }

    /// <summary>Completes when a message (or end of stream) is waiting, without consuming it.</summary>
    public async ValueTask WaitReadableAsync(CancellationToken cancellationToken) =>
        // A zero-byte peek waits for readiness and consumes nothing, so the message and its descriptors stay queued.
        await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, cancellationToken);

    /// <summary>
    /// Refuses further messages: the Supervisor's next send fails at once and goes to another worker, while messages
    /// already queued stay readable, so a stopping worker drains them instead of resetting those connections.
    /// </summary>
    public void StopReceiving()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Receive);
        }
        catch (SocketException)
        {
            // Not connected any more: nothing more can arrive either.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>Closes a descriptor <see cref="TryReceive"/> handed over that its receiver will not use.</summary>
    public static void CloseReceived(int descriptor) => ScmRights.CloseDescriptor(descriptor);

    private static HandoffResult Map(ScmRights.Status status) => status switch
    {
        ScmRights.Status.Done => HandoffResult.Done,
        ScmRights.Status.WouldBlock => HandoffResult.WouldBlock,
        _ => HandoffResult.Closed,
    };
}
