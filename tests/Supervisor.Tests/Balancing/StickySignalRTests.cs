using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;

namespace ReferenceApp.Supervisor.Tests.Balancing;

/// <summary>
/// SignalR over the Supervisor's public port, through the real client, with negotiation (no SkipNegotiation): negotiate
/// and connect are separate requests, and long polling and server-sent events keep making new ones. They only work when
/// every request of one connection reaches the worker that holds it.
/// </summary>
public sealed class StickySignalRTests
{
    private static string TestHub => RepositoryPaths.BuiltAssembly("tests/TestHub");

    [Fact]
    public async Task Sticky_keeps_each_of_200_negotiate_and_connect_pairs_on_one_worker_with_every_transport()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(TestHub, workers: 2, arguments: ["--balancing", "Sticky"]);
        var transports = new[] { HttpTransportType.WebSockets, HttpTransportType.ServerSentEvents, HttpTransportType.LongPolling };
        var results = new ConcurrentBag<(HttpTransportType Transport, int HubPid, int[] HttpPids)>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
            results.Add(await ConnectAsync(supervisor, transports[i % transports.Length], cancellationToken)));

        Assert.Equal(200, results.Count);
        foreach (var (transport, hubPid, httpPids) in results)
        {
            // Negotiate (and for SSE and long polling every poll and send) answered by the process that holds the connection.
            Assert.NotEmpty(httpPids);
            Assert.All(httpPids, pid => Assert.True(pid == hubPid, $"{transport}: an HTTP request of the connection held by {hubPid} reached {pid}"));
        }

        var workers = (await supervisor.GetStatusAsync()).Workers.Select(worker => worker.Pid!.Value).Order().ToArray();
        Assert.Equal(workers, results.Select(result => result.HubPid).Distinct().Order().ToArray());
    }

    [Fact]
    public async Task Without_stickiness_long_polling_connections_break()
    {
        // The control for the test above: the same client through round-robin fails, so the sticky result is not luck.
        await using var supervisor = await SupervisorProcess.StartAsync(TestHub, workers: 2, arguments: ["--balancing", "RoundRobin"]);
        var failures = 0;
        for (var i = 0; i < 20; i++)
        {
            try
            {
                await ConnectAsync(supervisor, HttpTransportType.LongPolling, CancellationToken.None);
            }
            catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or HubException or TimeoutException or OperationCanceledException)
            {
                failures++;
            }
        }

        Assert.True(failures > 0, "20 long-polling connections through round-robin all stayed on one worker by chance");
    }

    private static async Task<(HttpTransportType, int, int[])> ConnectAsync(SupervisorProcess supervisor, HttpTransportType transport, CancellationToken cancellationToken)
    {
        var httpPids = new ConcurrentQueue<int>();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri($"http://127.0.0.1:{supervisor.Port.ToString(CultureInfo.InvariantCulture)}/hub"), transport, options =>
                options.HttpMessageHandlerFactory = inner => new ServedByRecorder(inner, httpPids))
            .Build();
        await using (connection)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Apps.Deadline);
            await connection.StartAsync(timeout.Token);
            var pid = await connection.InvokeAsync<int>("WhoAmI", timeout.Token);
            // A second call: with long polling it rides on a later poll, with SSE on a new send request.
            Assert.Equal(pid, await connection.InvokeAsync<int>("WhoAmI", timeout.Token));
            await connection.StopAsync(timeout.Token);
            return (transport, pid, httpPids.ToArray());
        }
    }

    /// <summary>Notes which worker answered each HTTP request of one SignalR connection (X-Served-By).</summary>
    private sealed class ServedByRecorder(HttpMessageHandler inner, ConcurrentQueue<int> pids) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.Contains("X-Served-By"))
            {
                pids.Enqueue(ServedBy.Pid(response));
            }

            return response;
        }
    }
}
