using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using ReferenceApp.RealtimeHub.Contracts;

namespace ReferenceApp.Bench.Realtime;

/// <summary>One client on each of two hub workers; sends one message at a time and times its arrival.</summary>
/// <param name="api">A client of the Api (one worker, or a Supervisor's port).</param>
/// <param name="hubA">Where the first client connects.</param>
/// <param name="hubB">Where the second connects: another worker's port, or the same sticky port, retried until it lands on another worker.</param>
internal sealed class LatencyProbe(HttpClient api, Uri hubA, Uri hubB) : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private HubConnection _clientA = null!;
    private HubConnection _clientB = null!;
    private TaskCompletionSource<Arrival>? _broadcastAtA;
    private TaskCompletionSource<Arrival>? _broadcastAtB;
    private TaskCompletionSource<long>? _chatAtB;
    private string _expected = string.Empty;

    public int PidA { get; private set; }

    public int PidB { get; private set; }

    public async Task ConnectAsync()
    {
        (_clientA, PidA) = await ConnectAsync(hubA);
        (_clientB, PidB) = await ConnectAsync(hubB);
        for (var attempt = 0; PidB == PidA && attempt < 10; attempt++)
        {
            await _clientB.DisposeAsync();
            (_clientB, PidB) = await ConnectAsync(hubB);
        }

        if (PidB == PidA)
        {
            throw new InvalidOperationException($"both clients landed on hub worker pid {PidA}; the probe needs two workers");
        }

        // One broadcast is in flight at a time and each client gets each broadcast once, so the next arrival is the one awaited.
        _clientA.On<BroadcastDelivery>(nameof(IChatClient.ReceiveBroadcast), _ => _broadcastAtA?.TrySetResult(Arrival.Now()));
        _clientB.On<BroadcastDelivery>(nameof(IChatClient.ReceiveBroadcast), _ => _broadcastAtB?.TrySetResult(Arrival.Now()));
        _clientB.On<ChatMessage>(nameof(IChatClient.ReceiveMessage), message =>
        {
            if (message.Text == _expected)
            {
                _chatAtB?.TrySetResult(Stopwatch.GetTimestamp());
            }
        });
    }

    /// <summary>POST /api/broadcast, one at a time; the latencies from the Api's publish and from the POST.</summary>
    public async Task<(Samples PublishToA, Samples PublishToB, Samples PostToB)> BroadcastAsync(int count)
    {
        var (publishToA, publishToB, postToB) = (new Samples(), new Samples(), new Samples());
        for (var i = 0; i < count; i++)
        {
            _broadcastAtA = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _broadcastAtB = new(TaskCreationOptions.RunContinuationsAsynchronously);
            var posted = Stopwatch.GetTimestamp();
            using var response = await api.PostAsJsonAsync("/api/broadcast", new { text = $"bench {i}" });
            response.EnsureSuccessStatusCode();
            var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
            var sentAt = receipt.GetProperty("sentAt").GetDateTimeOffset();
            var atA = await WaitAsync(_broadcastAtA.Task);
            var atB = await WaitAsync(_broadcastAtB.Task);
            publishToA.Add((atA.Utc - sentAt).TotalMilliseconds);
            publishToB.Add((atB.Utc - sentAt).TotalMilliseconds);
            postToB.Add(Stopwatch.GetElapsedTime(posted, atB.Timestamp).TotalMilliseconds);
        }

        return (publishToA, publishToB, postToB);
    }

    /// <summary>SendMessage on hub A, one at a time; the latency until the client on hub B has it.</summary>
    public async Task<Samples> ChatAsync(int count)
    {
        var samples = new Samples();
        for (var i = 0; i < count; i++)
        {
            _expected = $"chat {i} {Guid.NewGuid():N}";
            _chatAtB = new(TaskCreationOptions.RunContinuationsAsynchronously);
            var sent = Stopwatch.GetTimestamp();
            await _clientA.InvokeAsync(nameof(IChatHub.SendMessage), _expected);
            var arrived = await WaitAsync(_chatAtB.Task);
            samples.Add(Stopwatch.GetElapsedTime(sent, arrived).TotalMilliseconds);
        }

        return samples;
    }

    public async ValueTask DisposeAsync()
    {
        await _clientA.DisposeAsync();
        await _clientB.DisposeAsync();
    }

    private static async Task<T> WaitAsync<T>(Task<T> task) => await task.WaitAsync(Deadline);

    private static async Task<(HubConnection Connection, int Pid)> ConnectAsync(Uri hub)
    {
        // Negotiated, as a browser connects (and as the sticky policy expects).
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(hub, ChatHubContract.Path), Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets)
            .Build();
        await connection.StartAsync();
        return (connection, (await connection.InvokeAsync<HubWorkerInfo>(nameof(IChatHub.WhoAmI))).Pid);
    }
}

/// <summary>When a message arrived: the wall clock (to compare with another process's timestamp) and the monotonic one.</summary>
internal readonly record struct Arrival(DateTimeOffset Utc, long Timestamp)
{
    public static Arrival Now() => new(DateTimeOffset.UtcNow, Stopwatch.GetTimestamp());
}

/// <summary>Latency samples in milliseconds.</summary>
internal sealed class Samples
{
    private readonly List<double> _values = [];

    public int Count => _values.Count;

    public double Max => _values.Max();

    public void Add(double milliseconds) => _values.Add(milliseconds);

    /// <summary>Nearest-rank percentile.</summary>
    public double Percentile(double percentile)
    {
        var sorted = _values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
