using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Testing;

namespace ReferenceApp.Supervisor.Tests.Cluster;

/// <summary>Two TestWorker workers under one Supervisor, shared by read-only tests.</summary>
public sealed class TestWorkerCluster : IAsyncLifetime
{
    public const string ControlToken = "test-token-0123456789abcdef";

    public SupervisorProcess Supervisor { get; private set; } = null!;

    public async Task InitializeAsync() => Supervisor = await SupervisorProcess.StartAsync(
        Apps.TestWorker,
        workers: 2,
        arguments: ["--name", "probe", "--balancing", "ReusePort", "--Supervisor:Heartbeat:Interval", "00:00:00.250", "--", "--custom-argument", "42"],
        environment: new Dictionary<string, string?>
        {
            ["TESTWORKER_PASS_THROUGH"] = "passed",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:1",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=test,service.instance.id=the-supervisor",
            ["Supervisor__ControlToken"] = ControlToken,
        });

    public async Task DisposeAsync() => await Supervisor.DisposeAsync();
}

public sealed class SharedPortTests(TestWorkerCluster cluster) : IClassFixture<TestWorkerCluster>
{
    private SupervisorProcess Supervisor => cluster.Supervisor;

    [Fact]
    public async Task Workers_serve_the_shared_port_from_distinct_processes_the_Supervisor_started()
    {
        var status = await Supervisor.GetStatusAsync();
        Assert.Equal("ReusePort", status.Policy);
        Assert.Equal(Supervisor.Port, status.Port);
        Assert.Equal(2, status.Ready.Count);
        var pids = status.Workers.Select(worker => worker.Pid!.Value).ToHashSet();
        Assert.Equal(2, pids.Count);
        Assert.Equal(pids.Order(), ProcessTable.ChildrenOf(Supervisor.Pid).Order());

        var seen = new HashSet<int>();
        await Eventually.TrueAsync(async () =>
        {
            using var response = await Supervisor.GetOnNewConnectionAsync("/pid");
            response.EnsureSuccessStatusCode();
            seen.Add(await response.Content.ReadFromJsonAsync<int>());
            return seen.Count == 2;
        }, Apps.Deadline, "both workers to answer on the shared port");

        Assert.Equal(pids.Order(), seen.Order());
    }

    [Fact]
    public async Task Worker_environment_carries_the_contract_and_nothing_of_the_Supervisor()
    {
        var byIndex = new Dictionary<string, WorkerEnvironment>();
        await Eventually.TrueAsync(async () =>
        {
            using var response = await Supervisor.GetOnNewConnectionAsync("/environment");
            var environment = (await response.Content.ReadFromJsonAsync<WorkerEnvironment>())!;
            byIndex[environment.WorkerIndex!] = environment;
            return byIndex.Count == 2;
        }, Apps.Deadline, "both workers to report their environment");

        foreach (var (index, environment) in byIndex)
        {
            Assert.Equal("2", environment.WorkerCount);
            Assert.Equal("1", environment.StopOnStdinEof);
            Assert.Equal($"reuseport://127.0.0.1:{Supervisor.Port}", environment.Listen);
            Assert.True(environment.HasChannelSecret);
            Assert.Equal("deployment.environment=test,service.instance.id=probe-" + index, environment.ResourceAttributes);
            Assert.Equal("probe", environment.ServiceName);
            Assert.Equal("passed", environment.PassedThrough);
            Assert.Null(environment.AspnetcoreUrls);
            Assert.Null(environment.SupervisorControlToken);
            Assert.Equal(["--custom-argument", "42"], environment.Arguments);
        }

        Assert.Equal(["0", "1"], byIndex.Keys.Order());
    }

    [Fact]
    public async Task Control_API_answers_only_with_the_bearer_token()
    {
        using var anonymous = new HttpClient { BaseAddress = Supervisor.Control.BaseAddress };
        using (var response = await anonymous.GetAsync(new Uri("/status", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        }

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestWorkerCluster.ControlToken + "x");
        using (var response = await anonymous.PostAsync(new Uri("/workers/0/kill", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var status = await Supervisor.Control.GetAsync(new Uri("/status", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.All((await Supervisor.GetStatusAsync()).Workers, worker => Assert.Null(worker.LastExit));
    }

    [Fact]
    public async Task Status_keeps_its_wire_format_with_states_by_name()
    {
        var json = await Supervisor.Control.GetStringAsync(new Uri("/status", UriKind.Relative));

        Assert.StartsWith("""{"name":"probe","policy":"ReusePort","port":""", json, StringComparison.Ordinal);
        Assert.Contains(""","desiredWorkers":2,"reload":null,"workers":[{"index":0,"pid":""", json, StringComparison.Ordinal);
        Assert.Matches("\"state\":\"(Starting|Ready|Draining|Stopping|Exited|Backoff|Failed)\",\"startedAt\":", json);
        Assert.Equal(2, (await Supervisor.GetStatusAsync()).Workers.Count);
    }

    [Fact]
    public async Task Control_client_reports_a_wrong_token_an_unknown_worker_and_a_closed_port_apart()
    {
        var wrongToken = Supervisor.Endpoint with { Token = "wrong-" + TestWorkerCluster.ControlToken };
        var refused = await Assert.ThrowsAsync<SupervisorControlException>(() => Supervisor.ControlClient.GetStatusAsync(wrongToken, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("bearer token", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestWorkerCluster.ControlToken, refused.Message + wrongToken, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<SupervisorControlException>(() => Supervisor.ControlClient.KillWorkerAsync(Supervisor.Endpoint, 7, CancellationToken.None));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("There is no worker 7.: Workers are numbered 0 to 1.", unknown.Problem);

        var closed = Supervisor.Endpoint with { BaseAddress = new Uri($"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}/") };
        var unanswered = await Assert.ThrowsAsync<SupervisorControlException>(() => Supervisor.ControlClient.GetStatusAsync(closed, CancellationToken.None));
        Assert.Null(unanswered.StatusCode);
        Assert.IsType<HttpRequestException>(unanswered.InnerException);
        Assert.StartsWith("The Supervisor's control API did not answer: ", unanswered.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_reports_heartbeats_with_memory_and_requests_served()
    {
        for (var i = 0; i < 10; i++)
        {
            using var response = await Supervisor.GetOnNewConnectionAsync("/pid");
            response.EnsureSuccessStatusCode();
        }

        var status = await Supervisor.WaitForStatusAsync(
            s => s.Workers.Sum(worker => worker.RequestsServed ?? 0) >= 10,
            Apps.Deadline, "heartbeats to count the 10 requests");
        Assert.All(status.Workers, worker =>
        {
            Assert.InRange(worker.RssBytes ?? 0, 10L * 1024 * 1024, 4L * 1024 * 1024 * 1024);
            Assert.True(worker.GcHeapBytes > 0);
            Assert.NotNull(worker.StartedAt);
            Assert.Equal(0, worker.Restarts);
        });
        Assert.Equal("probe", status.Name);
        Assert.Equal(2, status.DesiredWorkers);
    }

    [Fact]
    public async Task Unknown_worker_is_404_and_bad_scale_is_400()
    {
        using var restart = await Supervisor.PostAsync("/workers/7/restart");
        Assert.Equal(HttpStatusCode.NotFound, restart.StatusCode);
        using var scale = await Supervisor.PostAsync("/scale?workers=0");
        Assert.Equal(HttpStatusCode.BadRequest, scale.StatusCode);
        using var scaleTooMany = await Supervisor.PostAsync("/scale?workers=65");
        Assert.Equal(HttpStatusCode.BadRequest, scaleTooMany.StatusCode);
    }

    private sealed record WorkerEnvironment(int Pid, string? WorkerIndex, string? WorkerCount, string? ResourceAttributes, string? ServiceName,
        string? StopOnStdinEof, string? Listen, bool HasChannelSecret, string? AspnetcoreUrls, string? SupervisorControlToken,
        string? PassedThrough, string[] Arguments);
}
