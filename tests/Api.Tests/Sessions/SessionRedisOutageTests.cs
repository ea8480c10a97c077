using System.Diagnostics;
using System.Net;
using ReferenceApp.Testing;

namespace ReferenceApp.Api.Tests.Sessions;

/// <summary>Redis stops and comes back: session endpoints answer 503 fast, stateless ones are untouched, all recover alone.</summary>
public sealed class SessionRedisOutageTests
{
    private static readonly TimeSpan FastAnswer = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Session_endpoints_answer_503_quickly_while_redis_is_down_stateless_stay_200_and_sessions_recover()
    {
        await using var redis = await RedisServer.StartAsync();
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__redis"] = redis.ConnectionString };
        await using var api = await ServiceProcess.StartAsync("Api", environment);
        var visitor = new SessionVisitor();
        (await visitor.PostAsync(api.BaseAddress, "/api/session/visits")).EnsureOk();

        await redis.StopAsync();

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/session"), (HttpMethod.Post, "/api/session/visits"), (HttpMethod.Get, "/api/session/cart"), (HttpMethod.Delete, "/api/session/cart") })
        {
            var stopwatch = Stopwatch.StartNew();
            var answer = await visitor.SendAsync(api.BaseAddress, method, path);
            Assert.True(stopwatch.Elapsed < FastAnswer, $"{method} {path} took {stopwatch.Elapsed} while Redis was down");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
            Assert.Equal("application/problem+json", answer.MediaType);
            Assert.Equal("Redis is unavailable", answer.Body.GetProperty("title").GetString());
            Assert.NotNull(answer.Headers.RetryAfter);
        }

        // The visitor still carries the session cookie: stateless endpoints must not care.
        foreach (var path in new[] { "/api/whoami", "/api/work?ms=1", "/health", "/alive" })
        {
            var stopwatch = Stopwatch.StartNew();
            var answer = await visitor.GetAsync(api.BaseAddress, path);
            Assert.True(answer.Status == HttpStatusCode.OK, $"{path} answered {(int)answer.Status} while Redis was down");
            Assert.True(stopwatch.Elapsed < FastAnswer, $"{path} took {stopwatch.Elapsed} while Redis was down");
        }

        await redis.RestartAsync();

        // The restarted Redis is empty (no persistence in tests), so the session starts again; what matters is that it works.
        var recovered = await Eventually.ReturnsAsync(
            async () => await visitor.PostAsync(api.BaseAddress, "/api/session/visits") is { Status: HttpStatusCode.OK } ok ? ok : null,
            TimeSpan.FromSeconds(30),
            "the session endpoints to recover after Redis returned");
        var next = (await visitor.PostAsync(api.BaseAddress, "/api/session/visits")).EnsureOk();
        Assert.Equal(recovered.SessionId, next.SessionId);
        Assert.Equal(recovered.Visits + 1, next.Visits);
    }
}
