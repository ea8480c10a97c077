using System.Net.Http.Json;
using ReferenceApp.Testing;

namespace ReferenceApp.Supervisor.Tests.Cluster;

public sealed class ApiClusterTests
{
    [Fact]
    public async Task Api_runs_as_supervised_workers_that_name_their_instance_and_pid()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.Api, workers: 2);
        var pids = (await supervisor.GetStatusAsync()).Workers.ToDictionary(worker => worker.Pid!.Value, worker => worker.Index);

        var seen = new Dictionary<int, WhoAmI>();
        await Eventually.TrueAsync(async () =>
        {
            using var response = await supervisor.GetOnNewConnectionAsync("/api/whoami");
            var whoami = (await response.Content.ReadFromJsonAsync<WhoAmI>())!;
            seen[whoami.Pid] = whoami;
            Assert.Equal($"api/{whoami.Instance} pid={whoami.Pid}", response.Headers.GetValues("X-Served-By").Single());
            return seen.Count == 2;
        }, Apps.Deadline, "both Api workers to answer");

        foreach (var (pid, whoami) in seen)
        {
            Assert.Equal(pids[pid], whoami.WorkerIndex);
            Assert.Equal($"api-{pids[pid]}", whoami.Instance);
            Assert.Equal("api", whoami.Service);
        }
    }

    private sealed record WhoAmI(string Service, string Instance, int? WorkerIndex, int Pid);
}
