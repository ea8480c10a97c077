using System.Net;
using ReferenceApp.Testing;

namespace ReferenceApp.Api.Tests.Apis;

public sealed class CountersApiTests
{
    public static TheoryData<RedisServerKind> AvailableServers()
    {
        var servers = new TheoryData<RedisServerKind>();
        foreach (var kind in Enum.GetValues<RedisServerKind>().Where(RedisServer.IsAvailable))
        {
            servers.Add(kind);
        }

        return servers;
    }

    [Theory]
    [MemberData(nameof(AvailableServers))]
    public async Task Shared_counter_is_shared_between_two_api_processes_and_local_is_not(RedisServerKind kind)
    {
        await using var redis = await RedisServer.StartAsync(kind);
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__redis"] = redis.ConnectionString };
        await using var first = await ServiceProcess.StartAsync("Api", environment);
        await using var second = await ServiceProcess.StartAsync("Api", environment);

        var shared = new List<(long Value, int Pid)>();
        var local = new List<(long Value, int Pid)>();
        for (var i = 0; i < 3; i++)
        {
            foreach (var api in new[] { first, second })
            {
                var s = await api.Client.PostJsonAsync("/api/counters/shared");
                shared.Add((s.GetProperty("value").GetInt64(), s.GetProperty("pid").GetInt32()));
                var l = await api.Client.PostJsonAsync("/api/counters/local");
                local.Add((l.GetProperty("value").GetInt64(), l.GetProperty("pid").GetInt32()));
            }
        }

        Assert.Equal([1L, 2, 3, 4, 5, 6], shared.Select(x => x.Value));
        Assert.Equal([1L, 1, 2, 2, 3, 3], local.Select(x => x.Value));
        Assert.Equal(new[] { first.Pid, second.Pid }.Order(), shared.Select(x => x.Pid).Distinct().Order());
    }

    [Fact]
    public async Task Shared_counter_without_redis_configured_gets_503_problem()
    {
        await using var api = await ServiceProcess.StartAsync("Api");

        using var response = await api.Client.PostAsync(new Uri("/api/counters/shared", UriKind.Relative), null);
        var problem = await response.ReadJsonAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Redis is unavailable", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Shared_counter_answers_503_quickly_while_redis_is_down_and_recovers_when_it_returns()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var api = await ServiceProcess.StartAsync("Api", new Dictionary<string, string?> { ["ConnectionStrings__redis"] = redis.ConnectionString });
        Assert.Equal(1, (await api.Client.PostJsonAsync("/api/counters/shared")).GetProperty("value").GetInt64());

        await redis.StopAsync();

        await Eventually.TrueAsync(async () =>
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            using var response = await api.Client.PostAsync(new Uri("/api/counters/shared", UriKind.Relative), null);
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"503 took {started.Elapsed}");
            return response.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(15), "the shared counter to answer 503 while Redis is down");
        using (var stateless = await api.Client.GetAsync(new Uri("/api/whoami", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, stateless.StatusCode);
        }

        await redis.RestartAsync();

        await Eventually.TrueAsync(async () =>
        {
            using var response = await api.Client.PostAsync(new Uri("/api/counters/shared", UriKind.Relative), null);
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(20), "the shared counter to recover after Redis returned");
    }
}
