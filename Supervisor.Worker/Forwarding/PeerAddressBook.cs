using System.Collections.Frozen;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Forwarding;

/// <summary>
/// The worker's view of its live peers, by affinity id, as the Supervisor last announced it. Announcements carry a version
/// and may arrive out of order; an older one never replaces a newer one. Reads are lock-free: one volatile snapshot.
/// </summary>
internal sealed class PeerAddressBook
{
    private readonly Lock _lock = new();
    private Snapshot _current = new(0, FrozenDictionary<string, ForwardingPeer>.Empty);

    public long Version => Volatile.Read(ref _current).Version;

    public int Count => Volatile.Read(ref _current).Peers.Count;

    /// <summary>Replaces the book with <paramref name="peers"/> when <paramref name="version"/> is newer; false when it is stale.</summary>
    public bool Update(long version, IEnumerable<ForwardingPeer> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var book = peers
            .Where(peer => peer is { AffinityId.Length: > 0, SocketPath.Length: > 0, Secret.Length: > 0 })
            .DistinctBy(peer => peer.AffinityId, StringComparer.Ordinal)
            .ToFrozenDictionary(peer => peer.AffinityId, StringComparer.Ordinal);
        lock (_lock)
        {
            if (version <= _current.Version)
            {
                return false;
            }

            Volatile.Write(ref _current, new Snapshot(version, book));
            return true;
        }
    }

    public bool TryFind(string affinityId, out ForwardingPeer peer) =>
        Volatile.Read(ref _current).Peers.TryGetValue(affinityId, out peer!);

    private sealed record Snapshot(long Version, FrozenDictionary<string, ForwardingPeer> Peers);
}
