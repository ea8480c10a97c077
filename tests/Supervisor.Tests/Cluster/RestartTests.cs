using System.Diagnostics;
using System.Net;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Interop;
using Xunit.Abstractions;

namespace ReferenceApp.Supervisor.Tests.Cluster;

public sealed class RestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Worker_killed_with_SIGKILL_is_replaced_within_backoff()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.TestWorker, workers: 2, arguments: Apps.QuickRestarts);
        var before = await supervisor.GetStatusAsync();
        var victim = before.Worker(0).Pid!.Value;

        var stopwatch = Stopwatch.StartNew();
        Assert.True(Signals.Send(victim, Signals.SIGKILL));
        var after = await supervisor.WaitForStatusAsync(
            status => status.Worker(0) is { State: WorkerState.Ready, Pid: { } pid } && pid != victim,
            Apps.Deadline, "worker 0 to be replaced");
        output.WriteLine($"SIGKILLed worker replaced and ready after {stopwatch.ElapsedMilliseconds} ms");

        var replaced = after.Worker(0);
        Assert.Equal(1, replaced.Restarts);
        Assert.Equal(Signals.SIGKILL, replaced.LastExit?.Signal);
        Assert.Null(replaced.LastExit?.Code);
        Assert.False(ProcessTable.IsAlive(victim));
        Assert.Contains(replaced.Pid!.Value, ProcessTable.ChildrenOf(supervisor.Pid));
        // The other worker was not touched.
        Assert.Equal(before.Worker(1) with { RssBytes = null, GcHeapBytes = null, InFlight = null, RequestsServed = null },
            after.Worker(1) with { RssBytes = null, GcHeapBytes = null, InFlight = null, RequestsServed = null });
    }

    [Fact]
    public async Task Crash_looping_worker_backs_off_then_is_marked_failed_while_the_Supervisor_stays_up()
    {
        var crashFile = Path.Combine(Path.GetTempPath(), $"testworker-crash-{Guid.NewGuid():N}");
        try
        {
            await using var supervisor = await SupervisorProcess.StartAsync(
                Apps.TestWorker,
                workers: 2,
                arguments:
                [
                    "--Supervisor:Restart:InitialDelay", "00:00:00.300",
                    "--Supervisor:Restart:Multiplier", "2",
                    "--Supervisor:Restart:MaxDelay", "00:00:02",
                    "--Supervisor:CrashLoop:MaxUnstableExits", "4",
                    "--Supervisor:CrashLoop:Window", "00:01:00",
                ],
                environment: new Dictionary<string, string?> { ["TESTWORKER_CRASH_FILE"] = crashFile });
            var healthy = (await supervisor.GetStatusAsync()).Worker(1).Pid;

            // A bad deployment: from now on the app crashes at start.
            await File.WriteAllTextAsync(crashFile, "crash");
            var stopwatch = Stopwatch.StartNew();
            Assert.True(Signals.Send((await supervisor.GetStatusAsync()).Worker(0).Pid!.Value, Signals.SIGKILL));

            var states = new List<WorkerState>();
            var failed = await supervisor.WaitForStatusAsync(status =>
            {
                states.Add(status.Worker(0).State);
                return status.Worker(0).State == WorkerState.Failed;
            }, Apps.Deadline, "worker 0 to be marked Failed");
            output.WriteLine($"Failed after {stopwatch.ElapsedMilliseconds} ms; states seen: {string.Join(" ", states.Distinct())}");

            // 4 unstable exits (the kill and 3 crashes) with 0.3 + 0.6 + 1.2 s of backoff between them.
            Assert.Contains(WorkerState.Backoff, states);
            Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(2.1), $"gave up after {stopwatch.Elapsed}, faster than the backoff allows");
            var slot = failed.Worker(0);
            Assert.Equal(3, slot.Restarts);
            Assert.Null(slot.Pid);
            Assert.Equal(3, slot.LastExit?.Code);

            // It does not spin, and the rest of the cluster keeps serving.
            await Eventually.HoldsForAsync(async () => (await supervisor.GetStatusAsync()).Worker(0) is { State: WorkerState.Failed, Restarts: 3, Pid: null },
                TimeSpan.FromSeconds(3), "the failed slot to stay failed without restarts");
            Assert.False(supervisor.Process.HasExited);
            Assert.Equal([healthy!.Value], ProcessTable.ChildrenOf(supervisor.Pid));
            using (var response = await supervisor.GetOnNewConnectionAsync("/pid"))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            // The deployment is fixed: an operator's restart brings the slot back.
            File.Delete(crashFile);
            using (var restart = await supervisor.PostAsync("/workers/0/restart"))
            {
                Assert.Equal(HttpStatusCode.Accepted, restart.StatusCode);
            }

            await supervisor.WaitForStatusAsync(status => status.Worker(0).State == WorkerState.Ready, Apps.Deadline, "worker 0 to be back");
        }
        finally
        {
            File.Delete(crashFile);
        }
    }

    [Fact]
    public async Task Restart_command_replaces_a_worker_gracefully()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.TestWorker, workers: 1, arguments: Apps.QuickRestarts);
        var before = (await supervisor.GetStatusAsync()).Worker(0).Pid!.Value;

        using (var response = await supervisor.PostAsync("/workers/0/restart"))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var after = await supervisor.WaitForStatusAsync(
            status => status.Worker(0) is { State: WorkerState.Ready, Pid: { } pid, LastExit: not null } && pid != before,
            Apps.Deadline, "worker 0 to be replaced");
        Assert.Equal(0, after.Worker(0).LastExit!.Code);
        Assert.Equal("restart requested", after.Worker(0).LastExit!.Reason);
        Assert.False(ProcessTable.IsAlive(before));
    }
}
