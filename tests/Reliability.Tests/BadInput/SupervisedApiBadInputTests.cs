using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using Xunit.Abstractions;

namespace ReferenceApp.Reliability.Tests.BadInput;

/// <summary>The bad-input corpus against the Api on its public port, through every balancing policy, and against the control API.</summary>
public sealed class SupervisedApiBadInputTests(ITestOutputHelper output)
{
    // RoundRobin hands the raw connection to a worker; Sticky reads its head in the Supervisor first. (ReusePort is plain
    // Kestrel in the worker, which RoundRobin's workers already are.)
    [Theory]
    [InlineData("RoundRobin")]
    [InlineData("Sticky")]
    public async Task Malformed_requests_to_the_Api_get_a_4xx_and_leave_every_process_running_with_bounded_memory(string policy)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.Api, workers: 2, arguments: ["--balancing", policy],
            environment: new Dictionary<string, string?> { ["ConnectionStrings__redis"] = redis.ConnectionString });
        var corpus = HttpCorpus.Protocol("/api/whoami")
            .Concat(HttpCorpus.JsonBody("POST", "/api/session/cart").Select(bad => bad with { Name = $"cart: {bad.Name}" }))
#if (!NoRealtime)
            .Concat(HttpCorpus.JsonBody("POST", "/api/broadcast").Select(bad => bad with { Name = $"broadcast: {bad.Name}" }))
#endif
            .Append(new BadRequest("work: ms out of range", RawHttpConnection.Request("GET", "/api/work?ms=999999")))
            .Append(new BadRequest("work: ms not a number", RawHttpConnection.Request("GET", "/api/work?ms=NaN")))
            .ToArray();
        await CorpusRunner.AssertSurvivesAsync(output, supervisor, supervisor.Port, corpus, $"api-{policy.ToLowerInvariant()}");
    }

    [Fact]
    public async Task Malformed_requests_and_wrong_tokens_to_the_control_API_get_a_4xx_and_change_nothing()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.Api, workers: 2, arguments: ["--balancing", "RoundRobin"]);
        var token = supervisor.Token;
        BadRequest Get(string name, string path, params (string, string)[] headers) =>
            new(name, RawHttpConnection.Request("GET", path, headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2))));
        BadRequest Post(string name, string path, params (string, string)[] headers) =>
            new(name, RawHttpConnection.Request("POST", path, headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2))));
        var bearer = ("Authorization", $"Bearer {token}");
        var corpus = HttpCorpus.Protocol("/status").Concat(
        [
            Get("no token", "/status"),
            Get("wrong token", "/status", ("Authorization", "Bearer " + new string('0', token.Length))),
            Get("token with one character more", "/status", ("Authorization", $"Bearer {token}x")),
            Get("token in upper case", "/status", ("Authorization", $"Bearer {token.ToUpperInvariant()}")),
            Get("empty bearer", "/status", ("Authorization", "Bearer ")),
            Get("basic credentials", "/status", ("Authorization", "Basic dXNlcjpwYXNzd29yZA==")),
            Get("token in the query string", $"/status?access_token={token}"),
            Post("kill without a token", "/workers/0/kill"),
            Post("reload with a wrong token", "/reload", ("Authorization", "Bearer nope")),
            Post("scale to a word", "/scale?workers=many", bearer),
            Post("scale to 0", "/scale?workers=0", bearer),
            Post("scale to 100000", "/scale?workers=100000", bearer),
            Post("kill a worker that does not exist", "/workers/99/kill", bearer),
            Post("restart a negative worker", "/workers/-1/restart", bearer),
            Get("reload with GET", "/reload", bearer),
        ]).ToArray();
        await CorpusRunner.AssertSurvivesAsync(output, supervisor, supervisor.ControlPort, corpus, "control-api");
    }
}
