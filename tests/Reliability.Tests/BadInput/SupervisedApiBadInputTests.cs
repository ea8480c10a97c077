using System.Globalization;
using System.Net;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using Xunit.Abstractions;

namespace ReferenceApp.Reliability.Tests.BadInput;

/// <summary>The bad-input corpus against the Api on its public port, through every balancing policy, and against the control API.</summary>
public sealed class SupervisedApiBadInputTests(ITestOutputHelper output)
{
    /// <summary>After the first round has warmed everything up, the rest may not grow any process by more than this.</summary>
    private const long MaxGrowthBytes = 64L * 1024 * 1024;

    // RoundRobin hands the raw connection to a worker; Sticky reads its head in the Supervisor first. (ReusePort is plain
    // Kestrel in the worker, which RoundRobin's workers already are.)
    [Theory]
    [InlineData("RoundRobin")]
    [InlineData("Sticky")]
    public async Task Malformed_requests_to_the_Api_get_a_4xx_and_leave_every_process_running_with_bounded_memory(string policy)
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.Api, workers: 2, arguments: ["--balancing", policy]);
        var corpus = HttpCorpus.Protocol("/api/whoami");
        await AssertSurvivesCorpusAsync(supervisor, supervisor.Port, corpus, $"api-{policy.ToLowerInvariant()}");
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
        await AssertSurvivesCorpusAsync(supervisor, supervisor.ControlPort, corpus, "control-api");
    }

    private async Task AssertSurvivesCorpusAsync(SupervisorProcess supervisor, int port, IReadOnlyList<BadRequest> corpus, string scenario)
    {
        var before = await supervisor.GetStatusAsync();
        var pids = before.Workers.Select(worker => worker.Pid!.Value).Append(supervisor.Pid).ToArray();

        var outcomes = await CorpusRunner.SendAsync(port, corpus);
        var warm = pids.ToDictionary(pid => pid, pid => ProcessTable.ResidentBytes(pid) ?? 0);
        var rounds = ReliabilityProfile.Current.CorpusRounds;
        for (var round = 1; round < rounds; round++)
        {
            var again = await CorpusRunner.SendAsync(port, corpus);
            Assert.Equal(outcomes.Select(o => o.Status), again.Select(o => o.Status));
        }

        var after = await supervisor.GetStatusAsync();
        var growth = pids.ToDictionary(pid => pid, pid => (ProcessTable.ResidentBytes(pid) ?? 0) - warm[pid]);
        using var healthy = await supervisor.GetOnNewConnectionAsync("/api/whoami");

        output.WriteLine(string.Join(Environment.NewLine, outcomes));
        output.WriteLine($"{rounds} rounds of {corpus.Count}; RSS growth after the first round: "
            + string.Join(", ", growth.Select(g => $"pid {g.Key} {g.Value / 1024.0 / 1024.0:+0.0;-0.0} MiB")));
        ScenarioResults.Record($"bad-input-{scenario}", new Dictionary<string, object?>
        {
            ["requests"] = corpus.Count * rounds,
            ["clear4xx"] = outcomes.Count(o => o.IsClear4xx) * rounds,
            ["statuses"] = outcomes.GroupBy(o => o.Status?.ToString(CultureInfo.InvariantCulture) ?? "none").ToDictionary(g => g.Key, g => g.Count()),
            ["notClear4xx"] = outcomes.Where(o => !o.IsClear4xx).Select(o => o.ToString()).ToArray(),
            ["maxRssGrowthMiB"] = Math.Round(growth.Values.Max() / 1024.0 / 1024.0, 1),
            ["restarts"] = after.Workers.Sum(w => w.Restarts),
        });

        Assert.All(outcomes, outcome => Assert.True(outcome.IsClear4xx, $"expected a 4xx for '{outcome}'"));
        Assert.True(ProcessTable.IsAlive(supervisor.Pid), "the Supervisor died");
        Assert.Equal(before.Workers.Select(w => w.Pid), after.Workers.Select(w => w.Pid));
        Assert.All(after.Workers, worker => Assert.Equal(0, worker.Restarts));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.All(growth, g => Assert.True(g.Value < MaxGrowthBytes, $"pid {g.Key} grew {g.Value / 1024 / 1024} MiB over {rounds - 1} rounds"));
    }
}
