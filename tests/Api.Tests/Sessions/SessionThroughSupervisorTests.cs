using ReferenceApp.Testing;

namespace ReferenceApp.Api.Tests.Sessions;

/// <summary>The Api as it runs for real: two workers behind one Supervisor port, the session in Redis.</summary>
public sealed class SessionThroughSupervisorTests
{
    [Theory]
    [InlineData("RoundRobin")]
    [InlineData("ReusePort")]
    public async Task Session_holds_across_20_fresh_connections_to_one_port_served_by_both_workers(string balancing)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var supervisor = await SupervisorProcess.StartAsync(
            RepositoryPaths.BuiltAssembly("Api"),
            workers: 2,
            ["--balancing", balancing, "--name", "api"],
            new Dictionary<string, string?> { ["ConnectionStrings__redis"] = redis.ConnectionString });
        var workerPids = (await supervisor.GetStatusAsync()).Ready.Select(worker => worker.Pid!.Value).ToHashSet();
        var port = supervisor.Public.BaseAddress!;

        var visitor = new SessionVisitor();
        var answers = new List<SessionAnswer>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add((await visitor.PostAsync(port, "/api/session/visits")).EnsureOk());
        }

        Assert.Equal(Enumerable.Range(1, 20), answers.Select(answer => answer.Visits));
        Assert.Single(answers.Select(answer => answer.SessionId).Distinct());
        Assert.All(answers, answer => Assert.Contains(answer.Pid, workerPids));
        // The kernel (ReusePort) or the Supervisor (RoundRobin) spread 20 new connections over both workers.
        Assert.Equal(workerPids.Order(), answers.Select(answer => answer.Pid).Distinct().Order());
    }
}
