using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using System.Text;
using ReferenceApp.Supervisor.Balancing.Sticky;
using ReferenceApp.Supervisor.Balancing;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Testing;

namespace ReferenceApp.Supervisor.Tests.Balancing;

[Trait("Tier", "Unit")]
public sealed class StickyPolicyTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Connections_carrying_a_workers_cookie_all_reach_that_worker()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.Sticky);
        var workers = new[] { await harness.AddWorkerAsync(0), await harness.AddWorkerAsync(1) };

        foreach (var worker in workers)
        {
            var served = await RoundRobinPolicyTests.GetWithNewConnectionsAsync(harness, 15, cookie: $"theme=dark; referenceapp-affinity={worker.AffinityId}");
            Assert.All(served, name => Assert.Equal(worker.Name, name));
        }
    }

    [Fact]
    public async Task First_request_gets_the_cookie_of_the_worker_that_served_it()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.Sticky);
        var workers = new[] { await harness.AddWorkerAsync(0), await harness.AddWorkerAsync(1) };
        using var client = RoundRobinPolicyTests.NewClient(harness, connectionClose: true);

        using var response = await client.GetAsync(new Uri("/who", UriKind.Relative));
        var servedBy = workers.Single(worker => worker.Name == response.Content.ReadAsStringAsync().Result);
        Assert.Contains($"referenceapp-affinity={servedBy.AffinityId}; path=/; samesite=lax; httponly", response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task Cookie_of_a_worker_that_left_goes_round_robin_and_gets_a_fresh_cookie()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.Sticky);
        var gone = await harness.AddWorkerAsync(0);
        var live = await harness.AddWorkerAsync(1);
        await harness.RemoveWorkerAsync(gone);
        using var client = RoundRobinPolicyTests.NewClient(harness, connectionClose: true);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/who", UriKind.Relative));
        request.Headers.Add("Cookie", $"referenceapp-affinity={gone.AffinityId}");
        using var response = await client.SendAsync(request);

        Assert.Equal(live.Name, await response.Content.ReadAsStringAsync());
        Assert.Contains($"referenceapp-affinity={live.AffinityId}; path=/; samesite=lax; httponly", response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task Fresh_browsers_alternate_workers_although_each_sends_a_CORS_preflight_on_a_connection_of_its_own()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.Sticky);
        var workers = new[] { await harness.AddWorkerAsync(0), await harness.AddWorkerAsync(1) };
        using var client = RoundRobinPolicyTests.NewClient(harness, connectionClose: true);

        // What a browser does for a cross-origin negotiate: OPTIONS without cookies, then the request itself, each on a
        // new connection. If the preflight moved round-robin on, every browser's real request would reach the same worker.
        var served = new List<string>();
        for (var browser = 0; browser < 10; browser++)
        {
            using var preflight = new HttpRequestMessage(HttpMethod.Options, new Uri("/who", UriKind.Relative));
            preflight.Headers.Add("Origin", "http://web.example");
            preflight.Headers.Add("Access-Control-Request-Method", "POST");
            using var preflightResponse = await client.SendAsync(preflight);
            var preflightWorker = await preflightResponse.Content.ReadAsStringAsync();

            var worker = await client.GetStringAsync(new Uri("/who", UriKind.Relative));
            Assert.Equal(worker, preflightWorker);
            served.Add(worker);
        }

        Assert.All(workers, worker => Assert.Equal(5, served.Count(name => name == worker.Name)));
    }

    [Fact]
    public async Task A_stream_of_preflights_alone_still_spreads_over_the_workers()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.Sticky);
        var workers = new[] { await harness.AddWorkerAsync(0), await harness.AddWorkerAsync(1) };
        using var client = RoundRobinPolicyTests.NewClient(harness, connectionClose: true);

        var served = new List<string>();
        for (var preflight = 0; preflight < 20; preflight++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, new Uri("/who", UriKind.Relative));
            using var response = await client.SendAsync(request);
            served.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.All(workers, worker => Assert.Equal(10, served.Count(name => name == worker.Name)));
    }

    [Fact]
    public async Task Head_arriving_in_pieces_is_routed_by_the_cookie_in_its_last_piece()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.Sticky);
        await harness.AddWorkerAsync(0);
        var target = await harness.AddWorkerAsync(1);

        foreach (var attempt in Enumerable.Range(0, 4))
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, harness.Port);
            var stream = client.GetStream();
            // The cookie's name split in two: the Supervisor must wait for the rest of it.
            var cookie = HandoffProtocol.AffinityCookieName;
            foreach (var piece in new[] { "GET /who HT", "TP/1.1\r\nHost: x\r\nX-Pad: ", new string('p', 3000), $"\r\nCookie: {cookie[..^6]}", $"{cookie[^6..]}={target.AffinityId}\r\nConnection: close\r\n\r\n" })
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(piece));
                await stream.FlushAsync();
                // Give the Supervisor a chance to peek at every partial state (a race here can only make the test easier).
                await Task.Yield();
            }

            Assert.Equal(target.Name, ServedBy(await ReadToEndAsync(stream)));
        }
    }

    [Fact]
    public async Task Garbage_and_slowloris_during_the_peek_do_not_stall_other_connections()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.Sticky, new StickyOptions { PeekTimeout = TimeSpan.FromSeconds(60) });
        var target = await harness.AddWorkerAsync(0);
        await harness.AddWorkerAsync(1);
        var attackers = new List<TcpClient>();
        try
        {
            // 100 clients that trickle a never-ending head, and 20 that send bytes that are not HTTP at all.
            for (var i = 0; i < 120; i++)
            {
                var attacker = new TcpClient();
                attackers.Add(attacker);
                await attacker.ConnectAsync(IPAddress.Loopback, harness.Port);
                await attacker.GetStream().WriteAsync(i < 100
                    ? "GET / HTTP/1.1\r\nX-Slow: a"u8.ToArray()
                    : Encoding.Latin1.GetBytes($"\u0016\u0003\u0001garbage {i}\r\n\r\n"));
            }

            using var trickle = new CancellationTokenSource();
            var trickling = Task.Run(async () =>
            {
                while (!trickle.IsCancellationRequested)
                {
                    foreach (var attacker in attackers.Take(100))
                    {
                        await attacker.GetStream().WriteAsync("a"u8.ToArray());
                    }

                    await Task.Delay(50);
                }
            });

            var stopwatch = Stopwatch.StartNew();
            var served = await RoundRobinPolicyTests.GetWithNewConnectionsAsync(harness, 30, cookie: $"referenceapp-affinity={target.AffinityId}");
            var elapsed = stopwatch.Elapsed;
            await trickle.CancelAsync();
            await trickling;

            Assert.All(served, name => Assert.Equal(target.Name, name));
            Assert.True(elapsed < TimeSpan.FromSeconds(10), $"30 sticky requests took {elapsed.TotalSeconds:F1} s beside the slow clients");
        }
        finally
        {
            foreach (var attacker in attackers)
            {
                attacker.Dispose();
            }
        }
    }

    [Fact]
    public async Task Burst_beyond_a_full_pending_set_of_decided_connections_is_served_every_one()
    {
        // A tiny pending set and a burst of clients whose whole request is already there when the Supervisor accepts them:
        // each is decided at once, so the set fills with decided entries before they are swept.
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.Sticky, new StickyOptions { MaxPendingConnections = 2 });
        var target = await harness.AddWorkerAsync(0);
        await harness.AddWorkerAsync(1);
        var request = Encoding.ASCII.GetBytes($"GET /who HTTP/1.1\r\nHost: localhost\r\nCookie: referenceapp-affinity={target.AffinityId}\r\nConnection: close\r\n\r\n");
        var clients = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 64; i++)
            {
                var client = new TcpClient();
                clients.Add(client);
                await client.ConnectAsync(IPAddress.Loopback, harness.Port);
                await client.GetStream().WriteAsync(request);
            }

            var reads = clients.Select(client => ReadToEndAsync(client.GetStream())).ToArray();
            await Task.WhenAll(reads).ContinueWith(_ => { }, TaskScheduler.Default);
            var answered = reads.Count(read => read.IsCompletedSuccessfully && read.Result.Length > 0);

            Assert.True(answered == clients.Count, $"{clients.Count - answered} of {clients.Count} clients got no answer within {Deadline.TotalSeconds:F0} s");
            Assert.All(reads, read => Assert.Equal(target.Name, ServedBy(read.Result)));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Silent_connection_is_handed_over_round_robin_once_the_peek_times_out()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.Sticky, new StickyOptions { PeekTimeout = TimeSpan.FromMilliseconds(300) });
        var workers = new[] { await harness.AddWorkerAsync(0), await harness.AddWorkerAsync(1) };
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, harness.Port);

        await Eventually.TrueAsync(() => harness.Policy.HandedOff == 1, Deadline, "the silent connection to be handed over");
        await client.GetStream().WriteAsync("GET /who HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"u8.ToArray());

        var response = await ReadToEndAsync(client.GetStream());
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains(ServedBy(response), workers.Select(worker => worker.Name));
    }

    [Fact]
    public async Task Head_larger_than_the_peek_cap_is_served_round_robin()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.Sticky, new StickyOptions { MaxHeadBytes = 1024 });
        await harness.AddWorkerAsync(0);
        await harness.AddWorkerAsync(1);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, harness.Port);

        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET /who HTTP/1.1\r\nHost: x\r\nX-Big: {new string('b', 4000)}\r\nConnection: close\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 200", await ReadToEndAsync(client.GetStream()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_that_closes_before_sending_costs_nothing_and_is_not_handed_over()
    {
        await using var harness = await PolicyHarness.StartAsync(BalancingMode.Sticky);
        var worker = await harness.AddWorkerAsync(0);
        for (var i = 0; i < 10; i++)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, harness.Port);
        }

        Assert.Equal([worker.Name], await RoundRobinPolicyTests.GetWithNewConnectionsAsync(harness, 1));
        Assert.Equal(1, harness.Policy.HandedOff);
    }

    // The body of a chunked response of one chunk: "...\r\n\r\n<size>\r\n<name>\r\n0\r\n\r\n".
    private static string ServedBy(string response) => response.Split("\r\n")[^4];

    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        using var timeout = new CancellationTokenSource(Deadline);
        return await reader.ReadToEndAsync(timeout.Token);
    }
}
