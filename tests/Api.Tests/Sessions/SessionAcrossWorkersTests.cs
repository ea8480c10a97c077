using System.Net;
using ReferenceApp.Testing;

namespace ReferenceApp.Api.Tests.Sessions;

/// <summary>Two Api processes sharing one Redis: the session and its cookie belong to neither.</summary>
public sealed class SessionAcrossWorkersTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ServiceProcess[] _apis = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var environment = new Dictionary<string, string?> { ["ConnectionStrings__redis"] = _redis.ConnectionString };
        _apis = await Task.WhenAll(ServiceProcess.StartAsync("Api", environment), ServiceProcess.StartAsync("Api", environment));
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_apis.Select(api => api.DisposeAsync().AsTask()));
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Session_holds_across_20_requests_on_fresh_connections_served_by_two_workers()
    {
        var visitor = new SessionVisitor();
        var answers = new List<SessionAnswer>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add((await visitor.PostAsync(_apis[i % 2].BaseAddress, "/api/session/visits")).EnsureOk());
        }

        Assert.Equal(Enumerable.Range(1, 20), answers.Select(answer => answer.Visits));
        Assert.Single(answers.Select(answer => answer.SessionId).Distinct());
        Assert.NotNull(answers[0].SessionId);
        Assert.Equal(_apis.Select(api => api.Pid).Order(), answers.Select(answer => answer.Pid).Distinct().Order());
    }

    [Fact]
    public async Task Cookie_issued_by_one_worker_is_accepted_by_another_and_the_cart_follows()
    {
        var visitor = new SessionVisitor();
        var first = (await visitor.PostAsync(_apis[0].BaseAddress, "/api/session/visits")).EnsureOk();
        Assert.Equal(_apis[0].Pid, first.Pid);
        var setCookie = Assert.Single(first.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("referenceapp-session=", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);

        // Only the cookie crosses over: worker B unprotects it with the key ring that worker A wrote to Redis.
        var onSecond = (await visitor.PostAsync(_apis[1].BaseAddress, "/api/session/cart", new { sku = "tea-01", quantity = 2 })).EnsureOk();
        Assert.Equal(_apis[1].Pid, onSecond.Pid);
        Assert.Equal(first.SessionId, onSecond.SessionId);
        Assert.Equal(1, onSecond.Visits);
        Assert.False(onSecond.Headers.Contains("Set-Cookie"), "worker B must accept A's cookie, not issue a new one");

        await visitor.PostAsync(_apis[0].BaseAddress, "/api/session/cart", new { sku = "tea-01", quantity = 1 });
        var back = (await visitor.GetAsync(_apis[0].BaseAddress, "/api/session/cart")).EnsureOk();
        var line = Assert.Single(back.Body.GetProperty("cart").EnumerateArray());
        Assert.Equal("tea-01", line.GetProperty("sku").GetString());
        Assert.Equal(3, line.GetProperty("quantity").GetInt32());

        var cleared = (await visitor.SendAsync(_apis[1].BaseAddress, HttpMethod.Delete, "/api/session/cart")).EnsureOk();
        Assert.Empty(cleared.Body.GetProperty("cart").EnumerateArray());
        Assert.Equal(first.SessionId, cleared.SessionId);
    }

    [Fact]
    public async Task A_stranger_cookie_is_not_accepted()
    {
        var visitor = new SessionVisitor();
        visitor.Cookies.Add(_apis[0].BaseAddress, new Cookie("referenceapp-session", "CfDJ8forged-session-cookie"));

        var answer = (await visitor.PostAsync(_apis[0].BaseAddress, "/api/session/visits")).EnsureOk();

        Assert.Equal(1, answer.Visits);
        Assert.Contains(answer.Headers.GetValues("Set-Cookie"), cookie => cookie.StartsWith("referenceapp-session=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reading_a_new_visitors_session_stores_nothing_and_issues_no_cookie()
    {
        var visitor = new SessionVisitor();

        var answer = (await visitor.GetAsync(_apis[0].BaseAddress, "/api/session")).EnsureOk();

        Assert.Null(answer.SessionId);
        Assert.Equal(0, answer.Visits);
        Assert.False(answer.Headers.Contains("Set-Cookie"));
        Assert.Equal(_apis[0].Pid, answer.Pid);
    }
}
