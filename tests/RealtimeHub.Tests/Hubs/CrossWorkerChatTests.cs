using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;

namespace ReferenceApp.RealtimeHub.Tests.Hubs;

/// <summary>Two hub processes sharing one Redis: clients held by different processes talk through the backplane.</summary>
[Collection(RealtimeClusterGroup.Name)]
public sealed class CrossWorkerChatTests(RealtimeCluster cluster)
{
    public static TheoryData<HttpTransportType> Transports() =>
        [HttpTransportType.WebSockets, HttpTransportType.ServerSentEvents, HttpTransportType.LongPolling];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Clients_whose_WhoAmI_pids_differ_exchange_chat_messages(HttpTransportType transport)
    {
        await using var first = await HubClient.ConnectAsync(cluster.Hubs[0].BaseAddress, transport);
        await using var second = await HubClient.ConnectAsync(cluster.Hubs[1].BaseAddress, transport);
        var firstWorker = await first.WhoAmIAsync();
        var secondWorker = await second.WhoAmIAsync();
        Assert.Equal(cluster.Hubs[0].Pid, firstWorker.Pid);
        Assert.Equal(cluster.Hubs[1].Pid, secondWorker.Pid);
        Assert.Equal(transport.ToString(), firstWorker.Transport);
        Assert.Equal(transport.ToString(), secondWorker.Transport);

        var hello = $"hello from {firstWorker.Pid} {Guid.NewGuid():N}";
        await first.SendMessageAsync(hello);
        var received = await HubClient.WaitForAsync(second.Messages, m => m.Text == hello, "the first client's message at the second");
        Assert.Equal(firstWorker.Pid, received.SenderPid);
        Assert.Equal(firstWorker.ConnectionId, received.SenderConnectionId);
        Assert.Null(received.Room);

        var reply = $"reply from {secondWorker.Pid} {Guid.NewGuid():N}";
        await second.SendMessageAsync(reply);
        var answer = await HubClient.WaitForAsync(first.Messages, m => m.Text == reply, "the second client's reply at the first");
        Assert.Equal(secondWorker.Pid, answer.SenderPid);
    }

    [Fact]
    public async Task Room_messages_reach_members_on_every_worker_and_only_members()
    {
        var room = "room-" + Guid.NewGuid().ToString("N")[..8];
        await using var sender = await HubClient.ConnectAsync(cluster.Hubs[0].BaseAddress);
        await using var member = await HubClient.ConnectAsync(cluster.Hubs[1].BaseAddress);
        await using var outsider = await HubClient.ConnectAsync(cluster.Hubs[1].BaseAddress);
        Assert.NotEqual((await sender.WhoAmIAsync()).Pid, (await member.WhoAmIAsync()).Pid);
        await sender.JoinRoomAsync(room);
        await member.JoinRoomAsync(room);

        await sender.SendToRoomAsync(room, "one");
        var one = await HubClient.WaitForAsync(member.RoomMessages, m => m.Text == "one", "'one' at the member on the other worker");
        Assert.Equal(room, one.Room);
        Assert.Equal(cluster.Hubs[0].Pid, one.SenderPid);
        await HubClient.WaitForAsync(sender.RoomMessages, m => m.Text == "one", "'one' back at the sender, a member too");

        var refused = await Assert.ThrowsAsync<HubException>(() => outsider.SendToRoomAsync(room, "let me in"));
        Assert.Contains($"Join room '{room}'", refused.Message, StringComparison.Ordinal);

        // The member leaves and the outsider joins; then messages "two" and, after the member rejoins, "three".
        // Each worker hands out one room's messages in publish order, so once the member has "three" it would have had "two".
        await member.LeaveRoomAsync(room);
        await outsider.JoinRoomAsync(room);
        await sender.SendToRoomAsync(room, "two");
        await HubClient.WaitForAsync(outsider.RoomMessages, m => m.Text == "two", "'two' at the new member");
        await member.JoinRoomAsync(room);
        await sender.SendToRoomAsync(room, "three");
        await HubClient.WaitForAsync(member.RoomMessages, m => m.Text == "three", "'three' at the member who rejoined");
        await HubClient.WaitForAsync(outsider.RoomMessages, m => m.Text == "three", "'three' at the new member");

        Assert.Equal(["one", "three"], member.RoomMessages.Select(m => m.Text));
        Assert.Equal(["two", "three"], outsider.RoomMessages.Select(m => m.Text));
        Assert.Empty(outsider.Messages);
    }
}
