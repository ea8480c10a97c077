using System.Net.Sockets;
using System.Runtime.InteropServices;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Balancing.Handoff;

/// <summary>
/// One worker process as a handoff policy serves it: the private socket it connects to, the channel once it has, and
/// whether it may receive connections (ready, connected, not leaving).
/// </summary>
internal sealed class HandoffWorker : IDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private HandoffChannel? _channel;
    private volatile bool _ready;
    private volatile bool _leaving;

    private HandoffWorker(BalancedWorker worker, string socketPath, string? affinityId, Socket listener)
    {
        Worker = worker;
        SocketPath = socketPath;
        AffinityId = affinityId;
        _listener = listener;
    }

    public BalancedWorker Worker { get; private set; }

    public string SocketPath { get; }

    /// <summary>The opaque id this worker puts in the affinity cookie (sticky only).</summary>
    public string? AffinityId { get; }

    /// <summary>Completes when the worker connected and presented its secret (true), or never will (false).</summary>
    public Task<bool> Connected { get; private set; } = Task.FromResult(false);

    public bool IsRoutable => _ready && !_leaving && Volatile.Read(ref _channel) is not null;

    /// <summary>Creates the worker's socket (before the process starts, so it can connect at once) and waits for it.</summary>
    public static HandoffWorker Listen(BalancedWorker worker, string socketPath, string secret, string? affinityId, TimeSpan connectTimeout)
    {
        var listener = HandoffChannel.CreateSocket();
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            listener.Listen(1);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        var handoff = new HandoffWorker(worker, socketPath, affinityId, listener);
        handoff.Connected = handoff.AcceptAsync(secret, connectTimeout);
        return handoff;
    }

    public void MarkReady(BalancedWorker worker)
    {
        Worker = worker;
        _ready = true;
    }

    /// <summary>No new connections from now on; the channel closes (the worker keeps what it already received).</summary>
    public void MarkLeaving() => Dispose();

    /// <summary>Passes connections to the worker without blocking; see <see cref="HandoffChannel.Send"/>.</summary>
    public HandoffResult Send(ReadOnlySpan<SafeHandle> connections)
    {
        if (_leaving || Volatile.Read(ref _channel) is not { } channel)
        {
            return HandoffResult.Closed;
        }

        try
        {
            var result = channel.Send(connections);
            if (result == HandoffResult.Closed)
            {
                // The worker stopped receiving or died: it never gets another connection, whatever the core says later.
                _leaving = true;
            }

            return result;
        }
        catch (ObjectDisposedException)
        {
            // Left between the routability check and the send: nothing was passed.
            return HandoffResult.Closed;
        }
        catch (IOException)
        {
            // An error sendmsg(2) does not usually give (ENOBUFS, ETOOMANYREFS): nothing was passed; another worker may take it.
            return HandoffResult.WouldBlock;
        }
    }

    public void Dispose()
    {
        _leaving = true;
        if (!_stopping.IsCancellationRequested)
        {
            _stopping.Cancel();
        }

        Interlocked.Exchange(ref _channel, null)?.Dispose();
        CloseListener();
    }

    private async Task<bool> AcceptAsync(string secret, TimeSpan timeout)
    {
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            deadline.CancelAfter(timeout);
            while (true)
            {
                // A wrong secret is refused and the real worker may still come: keep listening until the deadline.
                if (await HandoffChannel.AcceptAsync(_listener, secret, deadline.Token) is { } channel)
                {
                    Volatile.Write(ref _channel, channel);
                    if (_leaving)
                    {
                        Interlocked.Exchange(ref _channel, null)?.Dispose();
                        return false;
                    }

                    return true;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            CloseListener();
        }
    }

    private void CloseListener()
    {
        _listener.Dispose();
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
            // The directory is removed at shutdown anyway.
        }
    }
}
