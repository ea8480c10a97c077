using System.Diagnostics;
using System.Net;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Interop;
using Xunit.Abstractions;

namespace ReferenceApp.Supervisor.Tests.Cluster;

public sealed class ShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Workers_stop_and_free_the_port_within_3_s_after_the_Supervisor_is_SIGKILLed()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.TestWorker, workers: 2);
        var workers = (await supervisor.GetStatusAsync()).Workers.Select(worker => worker.Pid!.Value).ToArray();
        Assert.True(FreePort.IsListening(supervisor.Port));

        var stopwatch = Stopwatch.StartNew();
        Assert.True(supervisor.Process.Signal(Signals.SIGKILL));
        await Eventually.TrueAsync(
            () => workers.All(pid => !ProcessTable.IsAlive(pid)) && !FreePort.IsListening(supervisor.Port),
            TimeSpan.FromSeconds(3), "every worker to exit and the port to be free");
        output.WriteLine($"Workers gone and port free {stopwatch.ElapsedMilliseconds} ms after SIGKILL of the Supervisor");
    }

    [Fact]
    public async Task SIGTERM_lets_an_in_flight_request_complete_then_the_Supervisor_exits_0()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.TestWorker, workers: 2, arguments:
        [
            "--drain-timeout", "15",
            "--Supervisor:Heartbeat:Interval", "00:00:00.250",
        ]);
        var workers = (await supervisor.GetStatusAsync()).Workers.Select(worker => worker.Pid!.Value).ToArray();

        var inFlight = supervisor.Public.GetAsync(new Uri("/slow?ms=3000", UriKind.Relative));
        await supervisor.WaitForStatusAsync(status => status.Workers.Any(worker => worker.InFlight > 0), Apps.Deadline, "the request to be in flight");

        var stopwatch = Stopwatch.StartNew();
        Assert.True(supervisor.Process.Signal(Signals.SIGTERM));
        using var response = await inFlight;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.True(await supervisor.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the Supervisor did not exit within 20 s");
        output.WriteLine($"Supervisor exited {stopwatch.ElapsedMilliseconds} ms after SIGTERM");
        Assert.Equal(0, supervisor.Process.ExitCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), "exceeded the drain deadline");
        Assert.All(workers, pid => Assert.False(ProcessTable.IsAlive(pid)));
        Assert.False(FreePort.IsListening(supervisor.Port));
        Assert.Contains("Every worker stopped", supervisor.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Supervisor_stops_gracefully_when_its_stdin_closes()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Apps.TestWorker, workers: 1,
            environment: new Dictionary<string, string?> { ["REFERENCEAPP_STOP_ON_STDIN_EOF"] = "1" }, keepStdinOpen: true);
        var worker = (await supervisor.GetStatusAsync()).Worker(0).Pid!.Value;

        supervisor.Process.CloseStandardInput();

        Assert.True(await supervisor.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the Supervisor kept running after its stdin closed");
        Assert.Equal(0, supervisor.Process.ExitCode);
        Assert.False(ProcessTable.IsAlive(worker));
        Assert.False(FreePort.IsListening(supervisor.Port));
    }
}
