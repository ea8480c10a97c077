using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using ReferenceApp.RealtimeHub.Connections;
using ReferenceApp.RealtimeHub.Contracts;
using ReferenceApp.RealtimeHub.Limits;
using ReferenceApp.ServiceDefaults.Hosting;

namespace ReferenceApp.RealtimeHub.Hubs;

/// <summary>
/// Broadcast chat, rooms and WhoAmI. With the Redis backplane, <c>Clients.All</c> and <c>Clients.Group</c> reach
/// connections on every hub worker, so two clients held by different processes talk as if they shared one.
/// </summary>
public sealed partial class ChatHub(
    WorkerIdentity identity,
    LocalConnections localConnections,
    IOptions<RealtimeHubOptions> options,
    TimeProvider time) : Hub<IChatClient>, IChatHub
{
    private const string RoomGroupPrefix = "room:";
    private static readonly object RoomsKey = new();

    public override async Task OnConnectedAsync()
    {
        localConnections.Add(Context.ConnectionId);
        Context.Items[RoomsKey] = new HashSet<string>(StringComparer.Ordinal);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        localConnections.Remove(Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    /// <summary>Sends <paramref name="text"/> to every client of every hub worker.</summary>
    public Task SendMessage(string text) => Clients.All.ReceiveMessage(Message(ValidText(text), room: null));

    /// <summary>Joins <paramref name="room"/>; messages sent to it reach every member on every worker.</summary>
    public async Task JoinRoom(string room)
    {
        var name = ValidRoom(room);
        await Groups.AddToGroupAsync(Context.ConnectionId, RoomGroupPrefix + name);
        Rooms.Add(name);
    }

    public async Task LeaveRoom(string room)
    {
        var name = ValidRoom(room);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, RoomGroupPrefix + name);
        Rooms.Remove(name);
    }

    /// <summary>Sends <paramref name="text"/> to the members of <paramref name="room"/>; only a member may.</summary>
    public Task SendToRoom(string room, string text)
    {
        var name = ValidRoom(room);
        if (!Rooms.Contains(name))
        {
            throw new HubException($"Join room '{name}' before sending to it.");
        }

        return Clients.Group(RoomGroupPrefix + name).ReceiveRoomMessage(Message(ValidText(text), name));
    }

    /// <summary>The worker and the process that hold this connection, and the transport it uses.</summary>
    public HubWorkerInfo WhoAmI() => new(
        identity.InstanceId,
        identity.WorkerIndex,
        identity.ProcessId,
        Context.ConnectionId,
        Context.Features.Get<IHttpTransportFeature>()?.TransportType.ToString());

    // Hub methods of one connection run one at a time (MaximumParallelInvocationsPerClient = 1), so a plain set is safe.
    private HashSet<string> Rooms => (HashSet<string>)Context.Items[RoomsKey]!;

    private ChatMessage Message(string text, string? room) =>
        new(text, room, Context.ConnectionId, identity.InstanceId, identity.ProcessId, time.GetUtcNow());

    private string ValidText(string text) =>
        string.IsNullOrWhiteSpace(text) || text.Length > options.Value.MaxTextLength
            ? throw new HubException($"A message must be 1 to {options.Value.MaxTextLength} characters, not only white space.")
            : text;

    private static string ValidRoom(string room) =>
        room is not null && RoomPattern().IsMatch(room)
            ? room
            : throw new HubException("A room name must be 1-64 letters, digits, '-' or '_'.");

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex RoomPattern();
}
