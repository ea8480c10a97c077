using Microsoft.JSInterop;
using ReferenceApp.RealtimeHub.Contracts;

namespace ReferenceApp.Web.Browser;

/// <summary>The SignalR transports a browser can use, by the JavaScript client's names.</summary>
public static class HubTransports
{
    public const string WebSockets = "WebSockets";
    public const string ServerSentEvents = "ServerSentEvents";
    public const string LongPolling = "LongPolling";

    public static IReadOnlyList<(string Name, string Label)> All { get; } =
    [
        (WebSockets, "WebSockets"),
        (ServerSentEvents, "Server-Sent Events"),
        (LongPolling, "Long polling"),
    ];
}

/// <summary>What a page hears from its hub connection.</summary>
public interface IHubListener
{
    void OnMessage(ChatMessage message);

    void OnBroadcast(BroadcastDelivery delivery);

    void OnState(string state, string? reason);

    void OnLog(string level, string message);
}

/// <summary>
/// A SignalR connection the browser holds (wwwroot/js/realtime.js). The hub sees a real browser: its transport, its
/// cookies (the sticky affinity cookie included) and its reconnects. Disposing stops the connection.
/// </summary>
public sealed class BrowserHubConnection : IAsyncDisposable
{
    private readonly IJSObjectReference _session;
    private readonly DotNetObjectReference<Receiver> _receiver;

    private BrowserHubConnection(IJSObjectReference session, DotNetObjectReference<Receiver> receiver)
    {
        _session = session;
        _receiver = receiver;
    }

    public static async Task<BrowserHubConnection> ConnectAsync(IJSRuntime js, Uri hubUrl, string transport, IHubListener listener, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(js);
        ArgumentNullException.ThrowIfNull(hubUrl);
        var module = await js.InvokeAsync<IJSObjectReference>("import", cancellationToken, "./js/realtime.js");
        var receiver = DotNetObjectReference.Create(new Receiver(listener));
        try
        {
            var methods = new
            {
                message = nameof(IChatClient.ReceiveMessage),
                roomMessage = nameof(IChatClient.ReceiveRoomMessage),
                broadcast = nameof(IChatClient.ReceiveBroadcast),
            };
            var session = await module.InvokeAsync<IJSObjectReference>("connect", cancellationToken, hubUrl.AbsoluteUri, transport, methods, receiver);
            return new BrowserHubConnection(session, receiver);
        }
        catch
        {
            receiver.Dispose();
            throw;
        }
        finally
        {
            await module.DisposeAsync();
        }
    }

    public ValueTask<HubWorkerInfo> WhoAmIAsync() => _session.InvokeAsync<HubWorkerInfo>("invoke", nameof(IChatHub.WhoAmI), Array.Empty<object>());

    public ValueTask SendMessageAsync(string text) => _session.InvokeVoidAsync("invoke", nameof(IChatHub.SendMessage), new object[] { text });

    public ValueTask SendToRoomAsync(string room, string text) => _session.InvokeVoidAsync("invoke", nameof(IChatHub.SendToRoom), new object[] { room, text });

    public ValueTask JoinRoomAsync(string room) => _session.InvokeVoidAsync("invoke", nameof(IChatHub.JoinRoom), new object[] { room });

    public ValueTask LeaveRoomAsync(string room) => _session.InvokeVoidAsync("invoke", nameof(IChatHub.LeaveRoom), new object[] { room });

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _session.InvokeVoidAsync("stop");
            await _session.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The page is gone, and the connection with it.
        }
        finally
        {
            _receiver.Dispose();
        }
    }

    /// <summary>The browser calls these; they forward to the page.</summary>
    private sealed class Receiver(IHubListener listener)
    {
        [JSInvokable]
        public void OnMessage(ChatMessage message) => listener.OnMessage(message);

        [JSInvokable]
        public void OnBroadcast(BroadcastDelivery delivery) => listener.OnBroadcast(delivery);

        [JSInvokable]
        public void OnState(string state, string? reason) => listener.OnState(state, reason);

        [JSInvokable]
        public void OnLog(string level, string message) => listener.OnLog(level, message);
    }
}
