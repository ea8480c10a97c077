namespace ReferenceApp.RealtimeHub.Contracts;

/// <summary>Where the chat hub is mapped, relative to the RealtimeHub's base address.</summary>
public static class ChatHubContract
{
    public const string Path = "/hubs/chat";
}

/// <summary>
/// The methods clients invoke on the hub. The server's hub implements it, so a client that invokes by these names,
/// e.g. <c>connection.InvokeAsync(nameof(IChatHub.SendMessage), text)</c>, cannot drift from it.
/// </summary>
public interface IChatHub
{
    /// <summary>Sends <paramref name="text"/> to every client of every hub worker.</summary>
    Task SendMessage(string text);

    /// <summary>Joins <paramref name="room"/>; messages sent to it reach every member on every worker.</summary>
    Task JoinRoom(string room);

    Task LeaveRoom(string room);

    /// <summary>Sends <paramref name="text"/> to the members of <paramref name="room"/>; only a member may.</summary>
    Task SendToRoom(string room, string text);

    /// <summary>The worker and the process that hold the caller's connection, and the transport it uses.</summary>
    HubWorkerInfo WhoAmI();
}

/// <summary>
/// The methods the hub invokes on its clients. The server's hub is typed by it, and clients subscribe by these names,
/// e.g. <c>connection.On&lt;ChatMessage&gt;(nameof(IChatClient.ReceiveMessage), ...)</c>.
/// </summary>
public interface IChatClient
{
    /// <summary>A message sent to everyone with <c>SendMessage</c>.</summary>
    Task ReceiveMessage(ChatMessage message);

    /// <summary>A message sent to the members of one room with <c>SendToRoom</c>.</summary>
    Task ReceiveRoomMessage(ChatMessage message);

    /// <summary>A broadcast published by another service (the Api's <c>POST /api/broadcast</c>).</summary>
    Task ReceiveBroadcast(BroadcastDelivery delivery);
}
