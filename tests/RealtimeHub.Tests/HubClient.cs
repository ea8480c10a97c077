using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;
using ReferenceApp.RealtimeHub.Contracts;
using ReferenceApp.Testing;

namespace ReferenceApp.RealtimeHub.Tests;

/// <summary>A real SignalR client of the chat hub that records everything it receives.</summary>
internal sealed class HubClient : IAsyncDisposable
{
    public static readonly TimeSpan DeliveryDeadline = TimeSpan.FromSeconds(15);

    private readonly HubConnection _connection;

    private HubClient(HubConnection connection, HttpTransportType transport)
    {
        _connection = connection;
        Transport = transport;
        connection.On<ChatMessage>(nameof(IChatClient.ReceiveMessage), Messages.Enqueue);
        connection.On<ChatMessage>(nameof(IChatClient.ReceiveRoomMessage), RoomMessages.Enqueue);
        connection.On<BroadcastDelivery>(nameof(IChatClient.ReceiveBroadcast), Broadcasts.Enqueue);
        connection.Closed += error =>
        {
            ClosedWith = error ?? new InvalidOperationException("closed without error");
            return Task.CompletedTask;
        };
    }

    public HttpTransportType Transport { get; }

    public ConcurrentQueue<ChatMessage> Messages { get; } = new();

    public ConcurrentQueue<ChatMessage> RoomMessages { get; } = new();

    public ConcurrentQueue<BroadcastDelivery> Broadcasts { get; } = new();

    public Exception? ClosedWith { get; private set; }

    public HubConnectionState State => _connection.State;

    /// <summary>
    /// Connects to the hub at <paramref name="baseAddress"/> with one transport, negotiating first as a browser does.
    /// The client keeps the cookies the server sets (as a browser would), which is what sticky routing relies on.
    /// </summary>
    public static async Task<HubClient> ConnectAsync(Uri baseAddress, HttpTransportType transport = HttpTransportType.WebSockets, CancellationToken cancellationToken = default) =>
        await ConnectAsync(baseAddress, transport, configure: null, cancellationToken);

    /// <summary>As <see cref="ConnectAsync(Uri, HttpTransportType, CancellationToken)"/>, with the client's HTTP options adjusted (a shared handler, preset cookies).</summary>
    public static async Task<HubClient> ConnectAsync(Uri baseAddress, HttpTransportType transport, Action<HttpConnectionOptions>? configure, CancellationToken cancellationToken = default)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, ChatHubContract.Path), transport, options => configure?.Invoke(options))
            .Build();
        var client = new HubClient(connection, transport);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            await connection.StartAsync(timeout.Token);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }

        return client;
    }

    public Task<HubWorkerInfo> WhoAmIAsync() => _connection.InvokeAsync<HubWorkerInfo>(nameof(IChatHub.WhoAmI));

    public Task SendMessageAsync(string text) => _connection.InvokeAsync(nameof(IChatHub.SendMessage), text);

    public Task JoinRoomAsync(string room) => _connection.InvokeAsync(nameof(IChatHub.JoinRoom), room);

    public Task LeaveRoomAsync(string room) => _connection.InvokeAsync(nameof(IChatHub.LeaveRoom), room);

    public Task SendToRoomAsync(string room, string text) => _connection.InvokeAsync(nameof(IChatHub.SendToRoom), room, text);

    /// <summary>Waits until a received item matches, within <see cref="DeliveryDeadline"/>, and returns it.</summary>
    public static Task<T> WaitForAsync<T>(ConcurrentQueue<T> received, Func<T, bool> match, string what) where T : class =>
        Eventually.ReturnsAsync(() => Task.FromResult(received.FirstOrDefault(match)), DeliveryDeadline, what);

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
