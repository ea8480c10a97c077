using System.Diagnostics;
using System.Net;
using System.Text;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using Xunit.Abstractions;

namespace ReferenceApp.Reliability.Tests.BadInput;

/// <summary>Slowloris: many connections that send a request head a few bytes at a time and never finish it.</summary>
public sealed class SlowlorisTests(ITestOutputHelper output)
{
    private const int SlowConnections = 64;

    // Sticky is the exposed policy: the Supervisor itself reads the head of every new connection to route it.
    [Fact]
    public async Task Slowloris_connections_through_the_Sticky_policy_are_cut_off_and_do_not_starve_other_clients()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.Api, workers: 2, arguments: ["--balancing", "Sticky"]);
        using var stop = new CancellationTokenSource();
        var slow = new List<RawHttpConnection>();
        for (var i = 0; i < SlowConnections; i++)
        {
            var connection = await RawHttpConnection.ConnectAsync(supervisor.Port);
            await connection.SendAsync(Encoding.ASCII.GetBytes("GET /api/whoami HTTP/1.1\r\nHost: x\r\n"));
            slow.Add(connection);
        }

        // One more header line per connection every second: each keeps its head unfinished for as long as it is let.
        var trickle = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            var line = 0;
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                line++;
                foreach (var connection in slow)
                {
                    try
                    {
                        await connection.SendAsync(Encoding.ASCII.GetBytes($"X-Slow-{line}: y\r\n"), stop.Token);
                    }
                    catch (RawHttpConnectionBrokenException)
                    {
                        // Cut off by the server: what the test waits for.
                    }
                }
            }
        });

        try
        {
            // Meanwhile everyone else is served at once.
            var latencies = new List<TimeSpan>();
            for (var i = 0; i < 20; i++)
            {
                var clock = Stopwatch.StartNew();
                using var response = await supervisor.GetOnNewConnectionAsync("/api/whoami");
                latencies.Add(clock.Elapsed);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            // Kestrel allows a request head 30 s (RequestHeadersTimeout); Sticky waits up to 10 s for it before routing.
            var closeClock = Stopwatch.StartNew();
            var closed = await Task.WhenAll(slow.Select(connection => connection.WaitForServerCloseAsync(TimeSpan.FromSeconds(90))));
            var cutOffAfter = closeClock.Elapsed;

            output.WriteLine($"{SlowConnections} slow connections; 20 normal requests meanwhile, slowest {latencies.Max().TotalMilliseconds:F0} ms; "
                + $"{closed.Count(c => c)} slow connections cut off by the server within {cutOffAfter.TotalSeconds:F0} s");
            ScenarioResults.Record("slowloris-sticky", new Dictionary<string, object?>
            {
                ["slowConnections"] = SlowConnections,
                ["cutOff"] = closed.Count(c => c),
                ["cutOffSeconds"] = Math.Round(cutOffAfter.TotalSeconds, 1),
                ["normalRequestsSlowestMs"] = Math.Round(latencies.Max().TotalMilliseconds),
            });

            Assert.All(latencies, latency => Assert.True(latency < TimeSpan.FromSeconds(5), $"a normal request took {latency.TotalMilliseconds:F0} ms"));
            Assert.All(closed, Assert.True);
            Assert.True(ProcessTable.IsAlive(supervisor.Pid));
            Assert.All((await supervisor.GetStatusAsync()).Workers, worker => Assert.Equal(0, worker.Restarts));
        }
        finally
        {
            await stop.CancelAsync();
            await trickle.ContinueWith(_ => { }, TaskScheduler.Default);
            foreach (var connection in slow)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
