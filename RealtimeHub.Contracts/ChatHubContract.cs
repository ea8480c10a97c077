namespace ReferenceApp.RealtimeHub.Contracts;

/// <summary>Where the chat hub is mapped, relative to the RealtimeHub's base address.</summary>
public static class ChatHubContract
{
    public const string Path = "/hubs/chat";
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
