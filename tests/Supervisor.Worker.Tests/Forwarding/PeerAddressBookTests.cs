using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Forwarding;

namespace ReferenceApp.Supervisor.Worker.Tests.Forwarding;

[Trait("Tier", "Unit")]
public sealed class PeerAddressBookTests
{
    private static ForwardingPeer Peer(string id, string secret = "secret") => new() { AffinityId = id, SocketPath = $"/run/{id}.sock", Secret = secret, ProcessId = 42 };

    [Fact]
    public void Newer_announcement_replaces_the_book()
    {
        var book = new PeerAddressBook();
        Assert.True(book.Update(1, [Peer("a"), Peer("b")]));
        Assert.True(book.Update(2, [Peer("b")]));

        Assert.False(book.TryFind("a", out _));
        Assert.True(book.TryFind("b", out var b));
        Assert.Equal("/run/b.sock", b.SocketPath);
        Assert.Equal(2, book.Version);
    }

    [Fact]
    public void Announcement_arriving_late_does_not_replace_a_newer_one()
    {
        var book = new PeerAddressBook();
        book.Update(5, [Peer("new")]);

        Assert.False(book.Update(4, [Peer("old")]));
        Assert.False(book.Update(5, [Peer("old")]));
        Assert.True(book.TryFind("new", out _));
        Assert.False(book.TryFind("old", out _));
    }

    [Fact]
    public void Entries_without_an_address_or_a_secret_are_ignored()
    {
        var book = new PeerAddressBook();
        book.Update(1, [Peer("a", secret: ""), new ForwardingPeer { AffinityId = "b", SocketPath = "", Secret = "s" }, Peer("c")]);

        Assert.Equal(1, book.Count);
        Assert.True(book.TryFind("c", out _));
    }

    [Fact]
    public void Empty_book_finds_nothing() => Assert.False(new PeerAddressBook().TryFind("a", out _));

    [Fact]
    public void Peer_never_shows_its_secret_in_text() => Assert.DoesNotContain("topsecret", Peer("a", "topsecret").ToString(), StringComparison.Ordinal);
}
