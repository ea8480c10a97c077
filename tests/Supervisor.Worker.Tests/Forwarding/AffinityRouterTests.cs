using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Forwarding;

namespace ReferenceApp.Supervisor.Worker.Tests.Forwarding;

[Trait("Tier", "Unit")]
public sealed class AffinityRouterTests
{
    private const string Self = "aaaa";

    private static PeerAddressBook Book(params string[] ids)
    {
        var book = new PeerAddressBook();
        book.Update(1, ids.Select(id => new ForwardingPeer { AffinityId = id, SocketPath = $"/run/{id}.sock", Secret = "s" + id }));
        return book;
    }

    [Fact]
    public void Cookie_naming_this_worker_is_served_here_without_a_new_cookie() =>
        Assert.Equal(AffinityRoute.Serve, AffinityRouter.Decide(Self, Self, arrivedFromPeer: false, Book(Self, "bbbb"), out _));

    [Fact]
    public void Request_without_a_cookie_is_served_here_and_claimed() =>
        Assert.Equal(AffinityRoute.ServeAndClaim, AffinityRouter.Decide(null, Self, arrivedFromPeer: false, Book(Self, "bbbb"), out _));

    [Fact]
    public void Cookie_naming_a_live_peer_is_forwarded_to_that_peer()
    {
        Assert.Equal(AffinityRoute.Forward, AffinityRouter.Decide("bbbb", Self, arrivedFromPeer: false, Book(Self, "bbbb"), out var peer));
        Assert.Equal("/run/bbbb.sock", peer!.SocketPath);
    }

    [Fact]
    public void Cookie_naming_no_live_worker_is_served_here_and_claimed()
    {
        Assert.Equal(AffinityRoute.ServeAndClaim, AffinityRouter.Decide("cccc", Self, arrivedFromPeer: false, Book(Self, "bbbb"), out var peer));
        Assert.Null(peer);
    }

    [Fact]
    public void Request_that_came_from_a_peer_is_never_forwarded_again() =>
        Assert.Equal(AffinityRoute.ServeAndClaim, AffinityRouter.Decide("bbbb", Self, arrivedFromPeer: true, Book(Self, "bbbb"), out _));

    [Fact]
    public void Cookie_comparison_is_exact() =>
        Assert.Equal(AffinityRoute.ServeAndClaim, AffinityRouter.Decide("BBBB", Self, arrivedFromPeer: false, Book(Self, "bbbb"), out _));
}
