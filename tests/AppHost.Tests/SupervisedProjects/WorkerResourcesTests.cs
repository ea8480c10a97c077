using System.Globalization;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ReferenceApp.AppHost.Tests.Hosting;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using ReferenceApp.Testing.Interop;
using ReferenceApp.Testing.Load;
using Xunit.Abstractions;

namespace ReferenceApp.AppHost.Tests.SupervisedProjects;

/// <summary>The supervised resources as Aspire shows and commands them: health, worker rows, commands, restarts.</summary>
[Collection(SharedAspireApp.Name)]
public sealed class WorkerResourcesTests(AspireAppFixture system, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

#if (!NoRealtime)
    /// <summary>The cluster that the kill and scale tests act on: the hub's, so the Api's worker count stays put for the others.</summary>
    private const string ActedOn = "realtime";
#else
    private const string ActedOn = "api";
#endif

    private static readonly byte[] WhoAmI = Encoding.ASCII.GetBytes("GET /api/whoami HTTP/1.1\r\nHost: localhost\r\n\r\n");

    [Fact]
    public void Every_resource_is_healthy_and_the_time_to_healthy_is_reported()
    {
        foreach (var resource in AspireAppFixture.Resources)
        {
            Assert.Equal(HealthStatus.Healthy, system.Snapshot(resource).HealthStatus);
        }

        output.WriteLine($"StartAsync to every resource healthy: {system.TimeToHealthy.TotalSeconds:F1} s ("
            + string.Join(", ", system.HealthyAfter.Select(entry => $"{entry.Key} {entry.Value.TotalSeconds:F1} s")) + ")");
        Assert.True(system.TimeToHealthy < TimeSpan.FromSeconds(90), $"Start to healthy took {system.TimeToHealthy.TotalSeconds:F1} s.");
    }

    [Fact]
    public async Task Worker_rows_show_the_PIDs_that_X_Served_By_reports()
    {
        var rows = await ReadyRowsAsync("api");
        var served = new HashSet<int>();
        using var http = system.App.CreateHttpClient("api", "http");
        await Eventually.TrueAsync(async () =>
        {
            // A new connection each time: RoundRobin hands connections, not requests, to the workers.
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/whoami") { Headers = { ConnectionClose = true } };
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            served.Add(ServedBy.Pid(response));
            return served.Count == AspireAppFixture.Workers;
        }, Deadline, "requests served by every worker");

        Assert.Equal(rows.Select(row => row.Pid()!.Value).Order(), served.Order());
        Assert.All(Enumerable.Range(AspireAppFixture.Workers, 2), index => Assert.True(system.Snapshot($"api-{index}").IsHidden));

        // The Supervisor's own row sums them up, beside what DCP says of its process.
        var supervisor = await system.WaitForAsync("api", snapshot => snapshot.Properties.Any(p => p.Name == "supervisor.workers" && Equals(p.Value, "2/2 ready")), Deadline, "2/2 ready");
        var balancing = system.App.Services.GetRequiredService<IConfiguration>()["Balancing:Api"] ?? "RoundRobin";
        Assert.Contains(supervisor.Properties, property => property.Name == "supervisor.balancing" && Equals(property.Value, balancing));
        Assert.Contains(supervisor.Properties, property => property.Name == "executable.pid");
    }

    [Fact]
    public async Task SIGKILLed_worker_comes_back_with_a_higher_restart_count_on_its_row()
    {
        var before = (await ReadyRowsAsync(ActedOn))[0];
        Assert.True(Signals.Send(before.Pid()!.Value, Signals.SIGKILL));

        // The row follows within about a second (a 500 ms poll); 3 s leaves room for a loaded machine.
        await system.WaitForAsync($"{ActedOn}-0", row => row.Pid() != before.Pid() || row.State?.Text != "Ready", TimeSpan.FromSeconds(3), "the kill shown on the row");

        var after = await system.WaitForAsync($"{ActedOn}-0",
            row => row.IsReady() && row.Pid() != before.Pid() && row.Restarts() > before.Restarts(), Deadline, "Ready with a new PID and one more restart");
        output.WriteLine($"{ActedOn}-0: pid {before.Pid()} -> {after.Pid()}, restarts {before.Restarts()} -> {after.Restarts()}");
    }

    [Fact]
    public async Task Each_worker_has_its_own_console_log_in_the_dashboard()
    {
        var row = (await ReadyRowsAsync("api"))[1];
        var logs = system.App.Services.GetRequiredService<ResourceLoggerService>();
        using var deadline = new CancellationTokenSource(Deadline);
        var lines = new List<string>();
        await foreach (var batch in logs.WatchAsync("api-1").WithCancellation(deadline.Token))
        {
            lines.AddRange(batch.Select(line => line.Content));
            if (lines.Any(line => line.Contains("Reported ready to the Supervisor", StringComparison.Ordinal)))
            {
                break;
            }
        }

        // Only its own lines: no other worker's prefix, and the Supervisor's "[api-1 pid=N]" prefix taken off.
        Assert.DoesNotContain(lines, line => line.Contains("[api-0 pid=", StringComparison.Ordinal) || line.Contains($"[api-1 pid={row.Pid()}]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rolling_reload_command_under_load_loses_no_request()
    {
        var before = await ReadyRowsAsync("api");
        var port = system.App.GetEndpoint("api", "http").Port;
        using var stop = new CancellationTokenSource();
        var load = HttpLoad.RunAsync(port, users: 8, TimeSpan.FromMinutes(3), _ => new LoadRequest("GET /api/whoami", WhoAmI), cancellationToken: stop.Token);

        var result = await system.App.ResourceCommands.ExecuteCommandAsync("api", "rolling-reload", CancellationToken.None);
        Assert.True(result.Success, result.Message);
        foreach (var old in before)
        {
            await system.WaitForAsync(old.Properties.First(p => p.Name == "worker.index").Value is int index ? $"api-{index}" : throw new InvalidOperationException(),
                row => row.IsReady() && row.Pid() != old.Pid(), Deadline, "Ready with a replacement process");
        }

        await stop.CancelAsync();
        var report = await load;
        output.WriteLine(report.Describe());
        Assert.True(report.Requests > 100, $"Only {report.Requests} requests ran during the reload.");
        Assert.Equal(0, report.Failed + report.ServerErrors);
    }

    [Fact]
    public async Task Scale_commands_show_and_hide_a_worker_row_and_refusals_carry_the_Supervisors_words()
    {
        await ReadyRowsAsync(ActedOn);
        var up = await system.App.ResourceCommands.ExecuteCommandAsync(ActedOn, "scale-up", CancellationToken.None);
        Assert.True(up.Success, up.Message);
        var third = await system.WaitForAsync($"{ActedOn}-2", row => row.IsReady(), Deadline, "a third worker Ready");

        var down = await system.App.ResourceCommands.ExecuteCommandAsync(ActedOn, "scale-down", CancellationToken.None);
        Assert.True(down.Success, down.Message);
        await system.WaitForAsync($"{ActedOn}-2", row => row.IsHidden, Deadline, "the third worker hidden again");
        await Eventually.TrueAsync(() => !ProcessTable.IsAlive(third.Pid()!.Value), Deadline, $"the third worker (pid {third.Pid()}) to exit");

        // A slot beyond the Supervisor's workers: the control API's 404, in its own words.
        var refused = await system.App.ResourceCommands.ExecuteCommandAsync($"{ActedOn}-5", "restart-worker", CancellationToken.None);
        Assert.False(refused.Success);
        Assert.Contains("There is no worker 5", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>The first <see cref="AspireAppFixture.Workers"/> rows of <paramref name="supervised"/>, once all are Ready.</summary>
    private async Task<IReadOnlyList<CustomResourceSnapshot>> ReadyRowsAsync(string supervised)
    {
        var rows = new List<CustomResourceSnapshot>();
        for (var index = 0; index < AspireAppFixture.Workers; index++)
        {
            rows.Add(await system.WaitForAsync(string.Create(CultureInfo.InvariantCulture, $"{supervised}-{index}"), row => row.IsReady(), Deadline, "Ready"));
        }

        return rows;
    }
}
