using System.Net;
using System.Net.Http.Json;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Testing;

namespace ReferenceApp.Supervisor.Tests.Cluster;

public sealed class ScaleTests
{
    [Fact]
    public async Task Scaling_from_2_to_3_to_1_starts_and_drains_workers()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.TestWorker, workers: 2);

        using (var up = await supervisor.PostAsync("/scale?workers=3"))
        {
            Assert.Equal(HttpStatusCode.Accepted, up.StatusCode);
        }

        var three = await supervisor.WaitForStatusAsync(status => status.Workers.Count == 3 && status.Ready.Count == 3, Apps.Deadline, "3 ready workers");
        Assert.Equal(3, three.DesiredWorkers);
        var pids = three.Workers.Select(worker => worker.Pid!.Value).ToArray();
        Assert.Equal(3, pids.Distinct().Count());
        Assert.Equal(pids.Order(), ProcessTable.ChildrenOf(supervisor.Pid).Order());

        using (var down = await supervisor.PostAsync("/scale?workers=1"))
        {
            Assert.Equal(HttpStatusCode.Accepted, down.StatusCode);
        }

        var one = await supervisor.WaitForStatusAsync(status => status.Workers.Count == 1, Apps.Deadline, "1 worker");
        var survivor = one.Worker(0);
        Assert.Equal(WorkerState.Ready, survivor.State);
        Assert.Equal(pids[0], survivor.Pid);
        await Eventually.TrueAsync(() => ProcessTable.ChildrenOf(supervisor.Pid).Count == 1, Apps.Deadline, "the removed workers to exit");
        Assert.All(pids.Skip(1), pid => Assert.False(ProcessTable.IsAlive(pid)));

        for (var i = 0; i < 5; i++)
        {
            using var response = await supervisor.GetOnNewConnectionAsync("/pid");
            Assert.Equal(survivor.Pid, await response.Content.ReadFromJsonAsync<int>());
        }
    }
}
