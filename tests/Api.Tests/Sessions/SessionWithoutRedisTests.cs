using System.Net;

namespace ReferenceApp.Api.Tests.Sessions;

/// <summary>No Redis configured: a per-process session would silently break across workers, so the Api refuses instead.</summary>
[Collection(ApiWithoutRedisGroup.Name)]
public sealed class SessionWithoutRedisTests(ApiWithoutRedis withoutRedis)
{
    [Fact]
    public async Task Session_endpoints_answer_503_when_no_redis_is_configured()
    {
        var answer = await new SessionVisitor().PostAsync(withoutRedis.Api.BaseAddress, "/api/session/visits");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal("Redis is unavailable", answer.Body.GetProperty("title").GetString());
        Assert.False(answer.Headers.Contains("Set-Cookie"));
    }
}
