using System.Collections.Concurrent;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker;
using ReferenceApp.Supervisor.Worker.Forwarding;
using ReferenceApp.Supervisor.Balancing.Sticky;

namespace ReferenceApp.Supervisor.Tests.Balancing;

[Trait("Tier", "Unit")]
public sealed class ForwardingDirectoryTests
{
    private static ForwardingPeer Peer(string id) => new() { AffinityId = id, SocketPath = $"/run/{id}.sock", Secret = "s" };

    [Fact]
    public void Every_worker_of_the_largest_cluster_is_announced()
    {
        var directory = new ForwardingDirectory();
        var received = Listen(directory, 1);
        for (var launch = 1; launch <= ReferenceApp.Supervisor.Configuration.SupervisorOptions.MaxWorkers; launch++)
        {
            directory.Configured(launch, Peer($"w{launch}"));
            directory.WorkerReady(launch, processId: 1000 + launch);
        }

        Assert.Equal(ReferenceApp.Supervisor.Configuration.SupervisorOptions.MaxWorkers, received.MaxBy(message => message.PeersVersion)!.PeerList!.Count);
    }

    [Fact]
    public void Worker_is_announced_to_every_subscriber_once_ready_with_its_pid()
    {
        var directory = new ForwardingDirectory();
        var first = Listen(directory, 1);
        var second = Listen(directory, 2);
        directory.Configured(1, Peer("a"));
        directory.Configured(2, Peer("b"));
        Assert.Empty(first);

        directory.WorkerReady(1, processId: 101);
        directory.WorkerReady(2, processId: 102);

        foreach (var received in new[] { first, second })
        {
            var last = received.MaxBy(message => message.PeersVersion)!;
            Assert.Equal(ChannelMessage.Peers, last.Type);
            Assert.Equal([("a", 101), ("b", 102)], last.PeerList!.Select(peer => (peer.AffinityId, peer.ProcessId)));
        }
    }

    [Fact]
    public void Leaving_worker_is_dropped_with_a_newer_version_and_its_address_returned()
    {
        var directory = new ForwardingDirectory();
        var received = Listen(directory, 1);
        directory.Configured(1, Peer("a"));
        directory.Configured(2, Peer("b"));
        directory.WorkerReady(1, 101);
        directory.WorkerReady(2, 102);

        Assert.Equal("/run/b.sock", directory.WorkerLeaving(2)!.SocketPath);

        var versions = received.Select(message => message.PeersVersion!.Value).ToArray();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(["a"], received.Last().PeerList!.Select(peer => peer.AffinityId));
    }

    [Fact]
    public void Worker_that_leaves_before_it_was_ready_announces_nothing()
    {
        var directory = new ForwardingDirectory();
        var received = Listen(directory, 1);
        directory.Configured(2, Peer("b"));

        Assert.NotNull(directory.WorkerLeaving(2));
        Assert.Empty(received);
        Assert.Null(directory.WorkerLeaving(3));
    }

    [Fact]
    public void Unsubscribed_worker_hears_no_more()
    {
        var directory = new ForwardingDirectory();
        var received = new ConcurrentQueue<ChannelMessage>();
        var subscription = directory.Subscribe(1, message => { received.Enqueue(message); return Task.CompletedTask; });
        directory.Configured(1, Peer("a"));
        subscription.Dispose();

        directory.WorkerReady(1, 101);

        Assert.Empty(received);
    }

    private static ConcurrentQueue<ChannelMessage> Listen(ForwardingDirectory directory, long launchId)
    {
        var received = new ConcurrentQueue<ChannelMessage>();
        directory.Subscribe(launchId, message =>
        {
            received.Enqueue(message);
            return Task.CompletedTask;
        });
        return received;
    }
}
