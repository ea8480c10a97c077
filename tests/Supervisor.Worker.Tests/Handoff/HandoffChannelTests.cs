using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Handoff;

namespace ReferenceApp.Supervisor.Worker.Tests.Handoff;

/// <summary>The kernel behaviour the lossless handoff relies on, checked on real sockets.</summary>
[Trait("Tier", "Unit")]
public sealed class HandoffChannelTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly string _directory = Directory.CreateTempSubdirectory("ra-handoff-channel-").FullName;
    private readonly string _secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly TcpListener _publicPort = new(IPAddress.Loopback, 0);

    public HandoffChannelTests() => _publicPort.Start();

    public void Dispose()
    {
        _publicPort.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task After_stop_receiving_queued_connections_are_still_delivered_and_new_sends_are_refused()
    {
        var (supervisorEnd, workerEnd) = await ConnectPairAsync();
        using (supervisorEnd)
        using (workerEnd)
        {
            using var firstClient = new TcpClient();
            using var firstAccepted = await AcceptFromAsync(firstClient);
            Assert.Equal(HandoffResult.Done, supervisorEnd.Send([firstAccepted.SafeHandle]));

            workerEnd.StopReceiving();

            using var secondClient = new TcpClient();
            using var secondAccepted = await AcceptFromAsync(secondClient);
            Assert.Equal(HandoffResult.Closed, supervisorEnd.Send([secondAccepted.SafeHandle]));

            var descriptors = new int[HandoffProtocol.MaxConnectionsPerMessage];
            Assert.Equal(HandoffResult.Done, workerEnd.TryReceive(descriptors, out var count));
            Assert.Equal(1, count);
            using (var received = new Socket(new SafeSocketHandle(descriptors[0], ownsHandle: true)))
            {
                // The received descriptor is the same connection: bytes written on it reach the first client.
                await received.SendAsync("ping"u8.ToArray());
                var buffer = new byte[4];
                using var timeout = new CancellationTokenSource(Deadline);
                await firstClient.GetStream().ReadExactlyAsync(buffer, timeout.Token);
                Assert.Equal("ping"u8.ToArray(), buffer);
            }

            Assert.Equal(HandoffResult.Closed, workerEnd.TryReceive(descriptors, out _));
        }
    }

    [Fact]
    public async Task Receive_without_a_message_would_block_and_the_wait_completes_when_one_arrives()
    {
        var (supervisorEnd, workerEnd) = await ConnectPairAsync();
        using (supervisorEnd)
        using (workerEnd)
        {
            var descriptors = new int[HandoffProtocol.MaxConnectionsPerMessage];
            Assert.Equal(HandoffResult.WouldBlock, workerEnd.TryReceive(descriptors, out _));

            using var timeout = new CancellationTokenSource(Deadline);
            var wait = workerEnd.WaitReadableAsync(timeout.Token).AsTask();
            Assert.False(wait.IsCompleted);

            using var client = new TcpClient();
            using var accepted = await AcceptFromAsync(client);
            Assert.Equal(HandoffResult.Done, supervisorEnd.Send([accepted.SafeHandle]));
            await wait;

            // The wait consumed nothing: the message and its descriptor are still there.
            Assert.Equal(HandoffResult.Done, workerEnd.TryReceive(descriptors, out var count));
            Assert.Equal(1, count);
            new SafeSocketHandle(descriptors[0], ownsHandle: true).Dispose();
        }
    }

    [Fact]
    public async Task Sending_to_a_worker_that_is_gone_reports_closed_and_keeps_the_connection()
    {
        var (supervisorEnd, workerEnd) = await ConnectPairAsync();
        using (supervisorEnd)
        {
            workerEnd.Dispose();
            using var client = new TcpClient();
            using var accepted = await AcceptFromAsync(client);

            Assert.Equal(HandoffResult.Closed, supervisorEnd.Send([accepted.SafeHandle]));
            Assert.Equal(4, await accepted.SendAsync("kept"u8.ToArray()));
        }
    }

    private async Task<Socket> AcceptFromAsync(TcpClient client)
    {
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_publicPort.LocalEndpoint).Port);
        using var timeout = new CancellationTokenSource(Deadline);
        return await _publicPort.AcceptSocketAsync(timeout.Token);
    }

    private async Task<(HandoffChannel Supervisor, HandoffChannel Worker)> ConnectPairAsync()
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.handoff");
        using var listener = HandoffChannel.CreateSocket();
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        using var timeout = new CancellationTokenSource(Deadline);
        var worker = await HandoffChannel.ConnectAsync(path, _secret, timeout.Token);
        var supervisor = await HandoffChannel.AcceptAsync(listener, _secret, timeout.Token) ?? throw new InvalidOperationException("hello refused");
        return (supervisor, worker);
    }
}
