using System.Diagnostics;
using System.Net.Http.Json;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Interop;
using Xunit.Abstractions;

namespace ReferenceApp.Supervisor.Tests.Cluster;

public sealed class WatchdogTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Worker_that_stops_heartbeating_is_killed_and_replaced()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.TestWorker, workers: 1, arguments:
        [
            .. Apps.QuickRestarts,
            "--Supervisor:Heartbeat:Interval", "00:00:00.250",
            "--Supervisor:Heartbeat:Timeout", "00:00:02",
        ]);
        var hung = (await supervisor.GetStatusAsync()).Worker(0).Pid!.Value;

        // A frozen process: no heartbeat, no request served, not dead either.
        var stopwatch = Stopwatch.StartNew();
        Assert.True(Signals.Send(hung, Signals.SIGSTOP));
        var after = await supervisor.WaitForStatusAsync(
            status => status.Worker(0) is { State: WorkerState.Ready, Pid: { } pid } && pid != hung,
            Apps.Deadline, "the hung worker to be replaced");
        output.WriteLine($"Hung worker replaced and ready after {stopwatch.ElapsedMilliseconds} ms");

        Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(2), "replaced before the heartbeat timeout");
        Assert.Contains("heartbeat", after.Worker(0).LastExit!.Reason, StringComparison.Ordinal);
        Assert.Equal(Signals.SIGKILL, after.Worker(0).LastExit!.Signal);
        Assert.False(ProcessTable.IsAlive(hung));
    }

    [Fact]
    public async Task Worker_above_the_memory_limit_is_recycled_gracefully()
    {
        const int LimitMb = 300;
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.TestWorker, workers: 1, arguments:
        [
            .. Apps.QuickRestarts,
            "--memory-limit-mb", LimitMb.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Supervisor:Heartbeat:Interval", "00:00:00.250",
        ]);
        var baseline = await supervisor.WaitForStatusAsync(status => status.Worker(0).RssBytes > 0, Apps.Deadline, "a first heartbeat");
        var before = baseline.Worker(0);
        output.WriteLine($"Baseline RSS {before.RssBytes / (1024 * 1024)} MiB, limit {LimitMb} MiB");
        Assert.True(before.RssBytes < LimitMb * 1024L * 1024, "the worker starts above the limit; the test would prove nothing");

        using (var response = await supervisor.Public.PostAsync(new Uri("/allocate?mb=350", UriKind.Relative), null))
        {
            response.EnsureSuccessStatusCode();
            Assert.Equal(before.Pid, (await response.Content.ReadFromJsonAsync<Allocation>())!.Pid);
        }

        var after = await supervisor.WaitForStatusAsync(
            status => status.Worker(0) is { State: WorkerState.Ready, Pid: { } pid, RssBytes: > 0, LastExit: not null } && pid != before.Pid,
            Apps.Deadline, "the worker to be recycled and the old one to exit");
        var recycled = after.Worker(0);
        Assert.Contains("memory", recycled.LastExit!.Reason, StringComparison.Ordinal);
        Assert.Equal(0, recycled.LastExit.Code);
        Assert.True(recycled.RssBytes < LimitMb * 1024L * 1024);
        Assert.False(ProcessTable.IsAlive(before.Pid!.Value));
    }

    private sealed record Allocation(int Pid, long RssBytes);
}
