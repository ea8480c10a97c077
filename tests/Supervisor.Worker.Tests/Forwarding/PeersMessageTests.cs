using System.Text;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker;
using ReferenceApp.Supervisor.Worker.Forwarding;

namespace ReferenceApp.Supervisor.Worker.Tests.Forwarding;

[Trait("Tier", "Unit")]
public sealed class PeersMessageTests
{
    [Fact]
    public async Task Peers_message_of_the_most_peers_fits_one_channel_frame_and_reads_back()
    {
        var peers = Enumerable.Range(0, ForwardingProtocol.MaxPeers).Select(i => new ForwardingPeer
        {
            AffinityId = Convert.ToHexStringLower(BitConverter.GetBytes((long)i)),
            // The longest path a Unix domain socket can have (sun_path holds 107 bytes and a NUL).
            SocketPath = $"/run/user/1000/referenceapp-supervisor-4194304-0123abcd/f{1_000_000 + i}.sock".PadLeft(107, '/'),
            Secret = new string('f', 64),
            ProcessId = 4_194_304,
        }).ToArray();
        using var stream = new MemoryStream();

        await ChannelFraming.WriteAsync(stream, new ChannelMessage { Type = ChannelMessage.Peers, PeersVersion = 7, PeerList = peers }, CancellationToken.None);
        stream.Position = 0;
        var read = await ChannelFraming.ReadAsync(stream, CancellationToken.None);

        Assert.Equal(ChannelMessage.Peers, read!.Type);
        Assert.Equal(7, read.PeersVersion);
        Assert.Equal(peers, read.PeerList);
    }

    [Fact]
    public async Task Peers_message_with_fields_this_build_does_not_know_still_reads()
    {
        var json = """{"type":"peers","peersVersion":3,"future":1,"peerList":[{"affinityId":"ab","socketPath":"/run/f1.sock","secret":"s","processId":9,"weight":2}]}""";
        var payload = Encoding.UTF8.GetBytes(json);
        using var stream = new MemoryStream();
        stream.Write([0, 0, (byte)(payload.Length >> 8), (byte)payload.Length]);
        stream.Write(payload);
        stream.Position = 0;

        var read = await ChannelFraming.ReadAsync(stream, CancellationToken.None);

        Assert.Equal("/run/f1.sock", Assert.Single(read!.PeerList!).SocketPath);
    }
}
