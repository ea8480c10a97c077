using Microsoft.Extensions.Logging.Abstractions;
using ReferenceApp.Supervisor.Hosting;
using ReferenceApp.Supervisor.Policies;
using ReferenceApp.Supervisor.Tests.Workers;
using ReferenceApp.Supervisor.Workers;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace ReferenceApp.Supervisor.Tests.Hosting;

/// <summary>The watchdog's health policies over fake processes and a fake clock: hung, over the memory limit.</summary>
[Trait("Tier", "Unit")]
public sealed class WorkerWatchdogTests : IDisposable
{
    private readonly LifecycleHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Ready_worker_silent_past_the_heartbeat_timeout_is_killed_as_a_crash()
    {
        var process = await StartOneAsync();
        var watchdog = Watchdog();
        _harness.Clock.Advance(_harness.Options.Heartbeat.Timeout);
        watchdog.Check();
        Assert.False(process.WasKilled);

        _harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        watchdog.Check();

        Assert.Contains("no heartbeat", process.KillReason, StringComparison.Ordinal);
        Assert.False(process.StopRequested, "a hung worker is restarted like any crash");
    }

    [Fact]
    public async Task Heartbeats_keep_a_ready_worker_alive()
    {
        var process = await StartOneAsync();
        var watchdog = Watchdog();

        for (var beat = 0; beat < 10; beat++)
        {
            _harness.Clock.Advance(_harness.Options.Heartbeat.Interval);
            process.Heartbeat(new WorkerHeartbeat(RssBytes: 1, GcHeapBytes: 1, InFlight: 0, RequestsServed: beat));
            watchdog.Check();
        }

        Assert.False(process.WasKilled);
    }

    [Fact]
    public async Task Worker_over_the_memory_limit_is_recycled_gracefully_once()
    {
        var process = await StartOneAsync();
        var watchdog = Watchdog();
        process.Heartbeat(new WorkerHeartbeat(RssBytes: 101L * 1024 * 1024, GcHeapBytes: 1, InFlight: 0, RequestsServed: 0));

        watchdog.Check();
        watchdog.Check();
        var replacement = await _harness.Factory.LaunchAsync(1);
        replacement.ReportReady();
        await process.StopAsked.WaitAsync(LifecycleHarness.Deadline);

        Assert.False(process.WasKilled);
        Assert.Equal("memory above 100 MiB", process.StopReason);
        Assert.Equal(2, _harness.Factory.Launched.Count);
        Assert.Equal(1, _harness.Counter("supervisor.worker.recycles"));
    }

    [Fact]
    public async Task Worker_at_the_memory_limit_is_left_alone()
    {
        var process = await StartOneAsync();
        process.Heartbeat(new WorkerHeartbeat(RssBytes: 100L * 1024 * 1024, GcHeapBytes: 1, InFlight: 0, RequestsServed: 0));

        Watchdog().Check();

        Assert.False(process.RecycleRequested);
        Assert.Single(_harness.Factory.Launched);
    }

    private async Task<FakeWorkerProcess> StartOneAsync()
    {
        var starting = _harness.Pool.StartAsync(1, CancellationToken.None);
        var process = await _harness.Factory.LaunchAsync(0);
        process.ReportReady();
        Assert.Empty(await starting.WaitAsync(LifecycleHarness.Deadline));
        return process;
    }

    private WorkerWatchdog Watchdog()
    {
        var options = _harness.Options;
        return new WorkerWatchdog(_harness.Pool, new HeartbeatPolicy(options.Heartbeat), new MemoryPolicy(options.MemoryLimitMb), MsOptions.Create(options), _harness.Clock, NullLogger<WorkerWatchdog>.Instance);
    }
}
