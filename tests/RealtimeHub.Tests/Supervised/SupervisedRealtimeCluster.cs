using ReferenceApp.Testing;

namespace ReferenceApp.RealtimeHub.Tests.Supervised;

/// <summary>
/// The realtime system as it runs for real: a Redis, the RealtimeHub under a Supervisor with the Sticky policy and two
/// workers, and the Api under a Supervisor with RoundRobin and two workers, each service behind its one shared port.
/// </summary>
public sealed class SupervisedRealtimeCluster : IAsyncLifetime
{
    public const int Workers = 2;

    public RedisServer Redis { get; private set; } = null!;

    public SupervisorProcess Hub { get; private set; } = null!;

    public SupervisorProcess Api { get; private set; } = null!;

    public Uri HubAddress => Hub.Public.BaseAddress!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var environment = new Dictionary<string, string?>
        {
            ["ConnectionStrings__redis"] = Redis.ConnectionString,
            // 50 clients each sending and receiving at once: the per-connection limit is not what these tests are about.
            ["RealtimeHub__MessagesPerSecond"] = "1000",
            ["RealtimeHub__MessageBurst"] = "1000",
        };
        var supervisors = await Task.WhenAll(
            SupervisorProcess.StartAsync(RepositoryPaths.BuiltAssembly("RealtimeHub"), Workers, ["--balancing", "Sticky", "--name", "realtime"], environment),
            SupervisorProcess.StartAsync(RepositoryPaths.BuiltAssembly("Api"), Workers, ["--balancing", "RoundRobin", "--name", "api"], environment));
        (Hub, Api) = (supervisors[0], supervisors[1]);
    }

    /// <summary>The PIDs of the ready workers under <paramref name="supervisor"/>, from its control API.</summary>
    public static async Task<IReadOnlySet<int>> WorkerPidsAsync(SupervisorProcess supervisor) =>
        (await supervisor.GetStatusAsync()).Ready.Select(worker => worker.Pid!.Value).ToHashSet();

    public async Task DisposeAsync()
    {
        await Task.WhenAll(new[] { Hub, Api }.Where(supervisor => supervisor is not null).Select(supervisor => supervisor.DisposeAsync().AsTask()));
        await Redis.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SupervisedRealtimeClusterGroup : ICollectionFixture<SupervisedRealtimeCluster>
{
    public const string Name = "supervised realtime cluster";
}
