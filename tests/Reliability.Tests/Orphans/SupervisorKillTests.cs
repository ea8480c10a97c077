using ReferenceApp.Testing;
using ReferenceApp.Testing.Interop;
using Xunit.Abstractions;

namespace ReferenceApp.Reliability.Tests.Orphans;

/// <summary>A Supervisor killed outright (SIGKILL: no handler runs) must take every worker with it and free every port.</summary>
public sealed class SupervisorKillTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("ReusePort")]
    [InlineData("RoundRobin")]
    public async Task Supervisor_killed_with_SIGKILL_leaves_no_worker_and_frees_its_ports(string policy)
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.Api, workers: 2, arguments: ["--balancing", policy]);
        var workers = (await supervisor.GetStatusAsync()).Workers.Select(worker => worker.Pid!.Value).ToArray();
        Assert.Equal(workers.Order(), ProcessTable.ChildrenOf(supervisor.Pid).Order());

        Assert.True(supervisor.Process.Signal(Signals.SIGKILL));
        Assert.True(await supervisor.Process.WaitForExitAsync(Apps.Deadline), "the Supervisor survived SIGKILL");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.TrueAsync(() => workers.All(pid => !ProcessTable.IsAlive(pid)), Apps.Deadline,
            $"workers {string.Join(", ", workers)} to exit after their Supervisor died");
        var workersGone = clock.Elapsed;
        await Eventually.TrueAsync(() => FreePort.CanBind(supervisor.Port) && FreePort.CanBind(supervisor.ControlPort), Apps.Deadline,
            $"ports {supervisor.Port} and {supervisor.ControlPort} to be free");

        output.WriteLine($"{policy}: workers {string.Join(", ", workers)} gone {workersGone.TotalMilliseconds:F0} ms after the Supervisor's SIGKILL; ports free");
        ScenarioResults.Record($"orphans-supervisor-{policy.ToLowerInvariant()}", new Dictionary<string, object?>
        {
            ["policy"] = policy,
            ["workers"] = workers,
            ["orphans"] = workers.Count(ProcessTable.IsAlive),
            ["workersGoneMs"] = Math.Round(workersGone.TotalMilliseconds),
            ["portsFree"] = FreePort.CanBind(supervisor.Port) && FreePort.CanBind(supervisor.ControlPort),
        });
    }
}
