using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Forwarding;

/// <summary>What to do with one request under sticky balancing.</summary>
internal enum AffinityRoute
{
    /// <summary>The cookie names this worker: serve it, nothing else to do (the fast path).</summary>
    Serve,

    /// <summary>No cookie, or one naming no live worker: serve it here and give the client this worker's cookie.</summary>
    ServeAndClaim,

    /// <summary>The cookie names another live worker: forward the request to it.</summary>
    Forward,
}

/// <summary>The sticky routing decision for one request, kept free of HTTP so it is tested on its own.</summary>
internal static class AffinityRouter
{
    /// <param name="cookie">The affinity cookie's value, or null.</param>
    /// <param name="self">This worker's affinity id.</param>
    /// <param name="arrivedFromPeer">The request came over the forwarding socket: never forward it again (no loops).</param>
    /// <param name="peers">The live peers.</param>
    /// <param name="peer">The peer to forward to, for <see cref="AffinityRoute.Forward"/>.</param>
    public static AffinityRoute Decide(string? cookie, string self, bool arrivedFromPeer, PeerAddressBook peers, out ForwardingPeer? peer)
    {
        ArgumentNullException.ThrowIfNull(peers);
        peer = null;
        if (string.Equals(cookie, self, StringComparison.Ordinal))
        {
            return AffinityRoute.Serve;
        }

        if (cookie is null || arrivedFromPeer || !peers.TryFind(cookie, out var found))
        {
            return AffinityRoute.ServeAndClaim;
        }

        peer = found;
        return AffinityRoute.Forward;
    }
}
