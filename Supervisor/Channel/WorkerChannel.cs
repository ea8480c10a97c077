using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Interop;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Channel;

/// <summary>
/// The Supervisor's end of one worker's channel: a Unix domain socket in the private 0700 directory that accepts exactly
/// one authenticated peer: it must present the per-worker secret first, and (on Linux) the kernel must vouch that it is
/// the launched process. Anything else is dropped. Once the worker is in, the socket file is removed.
/// </summary>
internal sealed partial class WorkerChannel : IAsyncDisposable
{
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _listener;
    private readonly byte[] _secret;
    private readonly TimeSpan _heartbeatInterval;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<int> _processId = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _closed = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Stream? _stream;
    private Task _run = Task.CompletedTask;

    private WorkerChannel(string path, string secretHex, TimeSpan heartbeatInterval, ILogger logger)
    {
        SocketPath = path;
        Secret = secretHex;
        _secret = Encoding.ASCII.GetBytes(secretHex);
        _heartbeatInterval = heartbeatInterval;
        _logger = logger;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    }

    public string SocketPath { get; }

    /// <summary>The secret the worker gets in its environment; never logged.</summary>
    public string Secret { get; }

    public bool IsConnected => Volatile.Read(ref _stream) is not null;

    public static WorkerChannel Create(string directory, long launchId, TimeSpan heartbeatInterval, ILogger logger)
    {
        var path = Path.Combine(directory, $"w{launchId}.sock");
        var channel = new WorkerChannel(path, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), heartbeatInterval, logger);
        try
        {
            channel._listener.Bind(new UnixDomainSocketEndPoint(path));
            channel._listener.Listen(4);
        }
        catch
        {
            channel._listener.Dispose();
            throw;
        }

        return channel;
    }

    /// <summary>Starts accepting; <paramref name="processId"/> is the launched worker's PID the peer must have.</summary>
    public void Start(int processId, Action ready, Action<WorkerHeartbeat> heartbeat)
    {
        _processId.TrySetResult(processId);
        _run = RunAsync(ready, heartbeat, _closed.Token);
    }

    /// <summary>Sends a command; false when the worker is not (or no longer) connected.</summary>
    public async Task<bool> SendAsync(ChannelMessage message, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _stream) is not { } stream)
        {
            return false;
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await ChannelFraming.WriteAsync(stream, message, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or SocketException)
        {
            return false;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closed.CancelAsync();
        _listener.Dispose();
        if (Volatile.Read(ref _stream) is { } stream)
        {
            await stream.DisposeAsync();
        }

        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }

        DeleteSocketFile();
        _closed.Dispose();
        _writeLock.Dispose();
    }

    private async Task RunAsync(Action ready, Action<WorkerHeartbeat> heartbeat, CancellationToken cancellationToken)
    {
        Stream? stream = null;
        try
        {
            while (stream is null)
            {
                var peer = await _listener.AcceptAsync(cancellationToken);
                stream = await AuthenticateAsync(peer, cancellationToken);
            }

            // One worker per channel: nobody else may connect now.
            _listener.Dispose();
            DeleteSocketFile();
            Volatile.Write(ref _stream, stream);
            await SendAsync(new ChannelMessage { Type = ChannelMessage.Welcome, HeartbeatIntervalMs = (int)_heartbeatInterval.TotalMilliseconds }, cancellationToken);

            while (await ChannelFraming.ReadAsync(stream, cancellationToken) is { } message)
            {
                switch (message.Type)
                {
                    case ChannelMessage.Ready:
                        ready();
                        break;
                    case ChannelMessage.Heartbeat:
                        heartbeat(new WorkerHeartbeat(message.RssBytes ?? 0, message.GcHeapBytes ?? 0, message.InFlight ?? 0, message.RequestsServed ?? 0));
                        break;
                    default:
                        Log.UnknownMessage(_logger, message.Type);
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or IOException or SocketException)
        {
            // The worker exited or the Supervisor is closing the channel: the process's exit tells the rest.
        }
        catch (InvalidDataException exception)
        {
            Log.ProtocolViolation(_logger, exception.Message);
        }
        finally
        {
            stream?.Dispose();
        }
    }

    /// <summary>The authenticated stream, or null after dropping an impostor.</summary>
    private async Task<Stream?> AuthenticateAsync(Socket peer, CancellationToken cancellationToken)
    {
        var stream = new NetworkStream(peer, ownsSocket: true);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HelloTimeout);
            var hello = await ChannelFraming.ReadAsync(stream, timeout.Token);
            var expectedPid = await _processId.Task.WaitAsync(timeout.Token);
            var peerPid = PeerCredentials.ProcessId(peer);

            if (hello is { Type: ChannelMessage.Hello, Secret: { } secret }
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(secret), _secret)
                && (peerPid is null || peerPid == expectedPid))
            {
                return stream;
            }

            Log.PeerRejected(_logger, peerPid ?? 0, expectedPid);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or SocketException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.PeerDropped(_logger, exception.Message);
        }

        await stream.DisposeAsync();
        return null;
    }

    private void DeleteSocketFile()
    {
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
            // Already gone with the directory.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ChannelPeerRejected, EventName = nameof(EventIds.ChannelPeerRejected), Level = LogLevel.Warning,
            Message = "Dropped a channel peer (pid {PeerPid}, expected {ExpectedPid}): wrong secret, wrong process or not a hello")]
        public static partial void PeerRejected(ILogger logger, int peerPid, int expectedPid);

        [LoggerMessage(EventId = EventIds.ChannelPeerDropped, EventName = nameof(EventIds.ChannelPeerDropped), Level = LogLevel.Warning,
            Message = "Dropped a channel peer that did not say hello properly: {Problem}")]
        public static partial void PeerDropped(ILogger logger, string problem);

        [LoggerMessage(EventId = EventIds.ChannelProtocolViolation, EventName = nameof(EventIds.ChannelProtocolViolation), Level = LogLevel.Warning,
            Message = "Closed a worker channel after an invalid frame: {Problem}")]
        public static partial void ProtocolViolation(ILogger logger, string problem);

        [LoggerMessage(EventId = EventIds.ChannelUnknownMessage, EventName = nameof(EventIds.ChannelUnknownMessage), Level = LogLevel.Debug,
            Message = "Ignored channel message of unknown type '{Type}'")]
        public static partial void UnknownMessage(ILogger logger, string type);
    }
}
