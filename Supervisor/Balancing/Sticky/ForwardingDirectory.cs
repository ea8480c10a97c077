using System.Collections.Concurrent;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Balancing.Sticky;

/// <summary>
/// The Supervisor's list of the workers that serve forwarded requests (under Sticky: every ready worker), and the
/// announcer of it: whenever the list changes, every live worker gets the whole list in one numbered
/// <see cref="ChannelMessage.Peers"/> message on its channel. Whole lists with a version make the message idempotent and
/// order-proof: a worker keeps the newest. Empty and silent under the other policies.
/// </summary>
internal sealed class ForwardingDirectory
{
    private readonly ConcurrentDictionary<long, ForwardingPeer> _configured = new();
    private readonly ConcurrentDictionary<long, ForwardingPeer> _ready = new();
    private readonly ConcurrentDictionary<long, Func<ChannelMessage, Task>> _listeners = new();
    private readonly Lock _announceLock = new();
    private long _version;

    /// <summary>Remembers a worker's forwarding address before it starts; it is announced once the worker is ready.</summary>
    public void Configured(long launchId, ForwardingPeer peer) => _configured[launchId] = peer;

    public void WorkerReady(long launchId, int processId)
    {
        if (_configured.TryGetValue(launchId, out var peer))
        {
            _ready[launchId] = peer with { ProcessId = processId };
            Announce();
        }
    }

    /// <summary>Drops the worker from the list (announcing that if it was ready); returns its address, or null if unknown.</summary>
    public ForwardingPeer? WorkerLeaving(long launchId)
    {
        _configured.TryRemove(launchId, out var configured);
        if (_ready.TryRemove(launchId, out var ready))
        {
            Announce();
        }

        return ready ?? configured;
    }

    /// <summary>Sends every later announcement to one worker through <paramref name="send"/>, until the returned handle is disposed.</summary>
    public IDisposable Subscribe(long launchId, Func<ChannelMessage, Task> send)
    {
        _listeners[launchId] = send;
        return new Subscription(this, launchId);
    }

    private void Announce()
    {
        ChannelMessage message;
        lock (_announceLock)
        {
            message = Message(++_version);
        }

        foreach (var send in _listeners.Values)
        {
            // Each worker's channel writes on its own; a slow or gone worker (SendAsync answers false) holds no one up.
            _ = send(message);
        }
    }

    private ChannelMessage Message(long version) => new()
    {
        Type = ChannelMessage.Peers,
        PeersVersion = version,
        PeerList = [.. _ready.Values.OrderBy(peer => peer.AffinityId, StringComparer.Ordinal).Take(ForwardingProtocol.MaxPeers)],
    };

    private sealed class Subscription(ForwardingDirectory directory, long launchId) : IDisposable
    {
        public void Dispose() => directory._listeners.TryRemove(launchId, out _);
    }
}
