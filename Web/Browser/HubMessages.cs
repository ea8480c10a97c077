namespace ReferenceApp.Web.Browser;

// The hub's messages as the browser receives them (RealtimeHub.Contracts on the hub's side; the Web keeps its own
// copies because only the browser talks to the hub). Method names are the hub's IChatClient and ChatHub methods.

/// <summary>The hub's client and server method names.</summary>
public static class ChatHubMethods
{
    public const string ReceiveMessage = "ReceiveMessage";
    public const string ReceiveRoomMessage = "ReceiveRoomMessage";
    public const string ReceiveBroadcast = "ReceiveBroadcast";

    public const string SendMessage = "SendMessage";
    public const string SendToRoom = "SendToRoom";
    public const string JoinRoom = "JoinRoom";
    public const string LeaveRoom = "LeaveRoom";
    public const string WhoAmI = "WhoAmI";
}

/// <summary>A chat message; <c>Room</c> is null for messages to everyone. <c>SenderPid</c> is the hub worker holding the sender.</summary>
public sealed record ChatMessage(string Text, string? Room, string SenderConnectionId, string SenderInstance, int SenderPid, DateTimeOffset SentAt);

/// <summary>What <c>WhoAmI</c> answers: the hub worker and process that hold this connection, and its transport.</summary>
public sealed record HubWorkerInfo(string Instance, int? WorkerIndex, int Pid, string ConnectionId, string? Transport);

/// <summary>An Api broadcast as delivered: who published it (an Api worker) and who delivered it (this client's hub worker).</summary>
public sealed record BroadcastDelivery(
    string Id,
    string Text,
    string PublisherInstance,
    int PublisherPid,
    DateTimeOffset SentAt,
    string HubInstance,
    int HubPid,
    DateTimeOffset DeliveredAt);
