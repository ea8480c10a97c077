using System.Buffers.Binary;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker;
using ReferenceApp.Supervisor.Channel;
using ReferenceApp.Supervisor.Workers;
using ReferenceApp.Testing;

namespace ReferenceApp.Supervisor.Tests.Channel;

[Trait("Tier", "Unit")]
public sealed class WorkerChannelTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly RuntimeDirectory _directory = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<WorkerHeartbeat> _heartbeat = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerChannel _channel = null!;

    public Task InitializeAsync()
    {
        _channel = WorkerChannel.Create(_directory.Path, 1, TimeSpan.FromMilliseconds(500), NullLogger.Instance);
        // This test process plays the worker, so the kernel's peer credentials name this PID.
        _channel.Start(Environment.ProcessId, () => _ready.TrySetResult(), heartbeat => _heartbeat.TrySetResult(heartbeat));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _channel.DisposeAsync();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Channel_lives_in_a_directory_only_its_user_can_enter()
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory.Path));
        Assert.True(File.Exists(_channel.SocketPath) || Path.Exists(_channel.SocketPath));
    }

    [Fact]
    public async Task Peer_with_a_wrong_secret_is_dropped()
    {
        await using var impostor = await ConnectAsync();
        await ChannelFraming.WriteAsync(impostor, new ChannelMessage { Type = ChannelMessage.Hello, Secret = new string('0', 64) }, CancellationToken.None);

        Assert.Null(await ReadAsync(impostor));
        Assert.False(_ready.Task.IsCompleted);
    }

    [Fact]
    public async Task Peer_sending_an_oversized_frame_is_dropped_without_reading_it()
    {
        await using var garbage = await ConnectAsync();
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, 64 * 1024 * 1024);
        await garbage.WriteAsync(header);

        Assert.Null(await ReadAsync(garbage));
    }

    [Fact]
    public async Task Worker_with_the_secret_is_welcomed_and_its_messages_arrive_after_impostors_were_dropped()
    {
        await using (var impostor = await ConnectAsync())
        {
            await impostor.WriteAsync("GET / HTTP/1.1\r\n\r\n"u8.ToArray());
            Assert.Null(await ReadAsync(impostor));
        }

        await using var worker = await ConnectAsync();
        await ChannelFraming.WriteAsync(worker, new ChannelMessage { Type = ChannelMessage.Hello, Secret = _channel.Secret, ProcessId = Environment.ProcessId }, CancellationToken.None);
        var welcome = await ReadAsync(worker);
        Assert.Equal(ChannelMessage.Welcome, welcome?.Type);
        Assert.Equal(500, welcome?.HeartbeatIntervalMs);
        // Nobody else can connect any more.
        Assert.False(Path.Exists(_channel.SocketPath));

        await ChannelFraming.WriteAsync(worker, new ChannelMessage { Type = ChannelMessage.Ready }, CancellationToken.None);
        await _ready.Task.WaitAsync(Deadline);
        await ChannelFraming.WriteAsync(worker, new ChannelMessage { Type = ChannelMessage.Heartbeat, RssBytes = 1, GcHeapBytes = 2, InFlight = 3, RequestsServed = 4 }, CancellationToken.None);
        Assert.Equal(new WorkerHeartbeat(1, 2, 3, 4), await _heartbeat.Task.WaitAsync(Deadline));

        Assert.True(await _channel.SendAsync(new ChannelMessage { Type = ChannelMessage.Drain, DeadlineMs = 1234 }, CancellationToken.None));
        Assert.Equal(1234, (await ReadAsync(worker))?.DeadlineMs);
    }

    private async Task<NetworkStream> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_channel.SocketPath));
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>The next message, or null when the Supervisor closed the connection.</summary>
    private static async Task<ChannelMessage?> ReadAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        try
        {
            return await ChannelFraming.ReadAsync(stream, timeout.Token);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
