using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ReferenceApp.AppHost.Hosting;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Interop;

namespace ReferenceApp.AppHost.Tests.Orchestration;

/// <summary>
/// The services the dashboard builds on (IResourceMonitor, IConsoleLogs, IResourceCommands), against an AppHost hosted in the
/// test process with one real embedded Redis.
/// </summary>
public sealed class ResourceCommandsTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Restart_replaces_the_process_counts_the_restart_and_the_watchers_see_every_state()
    {
        await using var host = await InProcessAppHost.StartAsync();
        var monitor = host.Services.GetRequiredService<IResourceMonitor>();
        var firstPid = Assert.Single(monitor.GetResources()).Pids.Single();
        using var watching = new CancellationTokenSource(Deadline);
        await using var snapshots = monitor.WatchAsync(watching.Token).GetAsyncEnumerator(watching.Token);
        Assert.True(await snapshots.MoveNextAsync()); // subscribed: the current state comes first
        var states = new List<ResourceState> { snapshots.Current.State };
        var watcher = Task.Run(async () =>
        {
            while (await snapshots.MoveNextAsync())
            {
                states.Add(snapshots.Current.State);
                if (snapshots.Current is { State: ResourceState.Running, Restarts: 1 })
                {
                    return;
                }
            }
        });

        await host.Services.GetRequiredService<IResourceCommands>().RestartAsync("redis", watching.Token);
        await watcher;

        var redis = Assert.Single(monitor.GetResources());
        Assert.Equal(ResourceState.Running, redis.State);
        Assert.Equal(1, redis.Restarts);
        Assert.NotEqual(firstPid, redis.Pids.Single());
        Assert.False(ProcessTable.IsAlive(firstPid), "the first redis process survived its restart");
        Assert.Equal(ResourceState.Running, states[0]);
        Assert.Contains(ResourceState.Stopping, states);
        Assert.Contains(ResourceState.Starting, states);
        await Assert.ThrowsAsync<ArgumentException>(() => host.Services.GetRequiredService<IResourceCommands>().RestartAsync("nope", watching.Token));
    }

    [Fact]
    public async Task A_resource_that_dies_is_reported_Exited_with_its_exit_code()
    {
        await using var host = await InProcessAppHost.StartAsync();
        var monitor = host.Services.GetRequiredService<IResourceMonitor>();
        var pid = Assert.Single(monitor.GetResources()).Pids.Single();

        Assert.True(Signals.Send(pid, Signals.SIGKILL));

        await Eventually.TrueAsync(() => monitor.GetResources()[0].State == ResourceState.Exited, Deadline, "redis to be reported Exited");
        var redis = monitor.GetResources()[0];
        Assert.Equal(137, redis.ExitCode); // 128 + SIGKILL
        Assert.Empty(redis.Pids);
    }

    [Fact]
    public async Task Console_output_is_kept_per_resource_in_order_and_streamed_to_watchers()
    {
        await using var host = await InProcessAppHost.StartAsync();
        var logs = host.Services.GetRequiredService<IConsoleLogs>();

        var lines = logs.Get("redis");
        using var watching = new CancellationTokenSource(Deadline);
        var first = await logs.WatchAsync("redis", watching.Token).FirstAsync(watching.Token);

        Assert.NotEmpty(lines);
        Assert.Contains(lines, line => line.Text.Contains("Ready to accept connections", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => (long)i), lines.Select(line => line.Sequence));
        Assert.All(lines, line => Assert.Equal("redis", line.Resource));
        Assert.Equal(lines[0], first);
        Assert.Empty(logs.Get("unknown"));
    }

    /// <summary>An AppHost with one embedded Redis, run inside the test process on free ports.</summary>
    private sealed class InProcessAppHost : IAsyncDisposable
    {
        private readonly DistributedApplication _app;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;

        private InProcessAppHost(DistributedApplication app)
        {
            _app = app;
            _run = app.RunAsync(_stop.Token);
        }

        public IServiceProvider Services => _app.Services;

        public static async Task<InProcessAppHost> StartAsync()
        {
            var ports = AppHostPorts.Free();
            var builder = DistributedApplication.CreateBuilder(
            [
                "--dashboard-port", Text(ports.Dashboard), "--otlp-grpc-port", Text(ports.OtlpGrpc), "--otlp-http-port", Text(ports.OtlpHttp),
                "--redis-server", RedisServer.IsAvailable(RedisServerKind.Redis) ? "RedisServer" : "Garnet",
                "--AppHost:EchoConsole", "false",
            ]);
            builder.AddRedis("redis");
            var host = new InProcessAppHost(builder.Build());
            var monitor = host.Services.GetRequiredService<IResourceMonitor>();
            await Eventually.TrueAsync(
                () => host._run.IsCompleted || monitor.GetResources()[0].State == ResourceState.Running,
                Deadline,
                "the in-process AppHost to run redis");
            Assert.False(host._run.IsCompleted, "the in-process AppHost stopped at start-up");
            return host;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run;
            await _app.DisposeAsync();
            _stop.Dispose();
        }

        private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
    }
}
