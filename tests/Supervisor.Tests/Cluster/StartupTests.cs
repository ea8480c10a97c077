using System.Net;
using System.Net.Sockets;
using ReferenceApp.Testing;

namespace ReferenceApp.Supervisor.Tests.Cluster;

public sealed class StartupTests
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Invalid_settings_fail_fast_with_one_message_per_problem()
    {
        await using var supervisor = ChildProcess.StartSupervisor(
            ["--app", "/nonexistent/app.dll", "--port", "0", "--workers", "99", "--control-port", "70000", "--drain-timeout", "-1"]);

        Assert.True(await supervisor.WaitForExitAsync(ExitDeadline));
        Assert.Equal(2, supervisor.ExitCode);
        var output = supervisor.Output;
        Assert.Contains("--app '/nonexistent/app.dll': no such file", output, StringComparison.Ordinal);
        Assert.Contains("--port (Supervisor:Port) must be between 1 and 65535", output, StringComparison.Ordinal);
        Assert.Contains("--workers (Supervisor:Workers) must be 'auto' or a number from 1 to 64, but was '99'", output, StringComparison.Ordinal);
        Assert.Contains("--control-port (Supervisor:ControlPort) must be between 0", output, StringComparison.Ordinal);
        Assert.Contains("--drain-timeout (Supervisor:DrainTimeout) must be between", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Supervisor ready", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_options_and_settings_are_rejected_not_ignored()
    {
        await using var option = ChildProcess.StartSupervisor(["--app", Apps.TestWorker, "--port", "1234", "--wokers", "2"]);
        await using var setting = ChildProcess.StartSupervisor(["--app", Apps.TestWorker, "--port", "1234"],
            new Dictionary<string, string?> { ["Supervisor__Wokers"] = "2" });

        Assert.True(await option.WaitForExitAsync(ExitDeadline));
        Assert.Equal(2, option.ExitCode);
        Assert.Contains("Unknown option '--wokers'", option.Output, StringComparison.Ordinal);
        Assert.True(await setting.WaitForExitAsync(ExitDeadline));
        Assert.Equal(2, setting.ExitCode);
        Assert.Contains("Wokers", setting.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sticky_settings_in_the_environment_are_checked_with_the_rest()
    {
        // Supervisor:Sticky:* belongs to the Supervisor's section: a bad value is named, a good one is taken (both used to be
        // rejected as unknown settings).
        await using var bad = ChildProcess.StartSupervisor(["--app", Apps.TestWorker, "--port", "1234", "--balancing", "Sticky"],
            new Dictionary<string, string?> { ["Supervisor__Sticky__PeekTimeout"] = "00:00:00", ["Supervisor__Sticky__MaxHedBytes"] = "1" });
        Assert.True(await bad.WaitForExitAsync(ExitDeadline));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("Supervisor:Sticky:PeekTimeout must be more than 0", bad.Output, StringComparison.Ordinal);
        Assert.Contains("Unknown setting 'Supervisor:Sticky:MaxHedBytes'", bad.Output, StringComparison.Ordinal);

        await using var good = await SupervisorProcess.StartAsync(Apps.TestWorker, workers: 1, arguments: ["--balancing", "Sticky"],
            environment: new Dictionary<string, string?> { ["Supervisor__Sticky__PeekTimeout"] = "00:00:05", ["Supervisor__Sticky__MaxHeadBytes"] = "4096" });
        using var response = await good.Public.GetAsync(new Uri("/alive", UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"GET /alive answered {response.StatusCode}");
    }

    [Fact]
    public async Task Port_held_by_another_process_fails_fast()
    {
        using var foreign = new TcpListener(IPAddress.Loopback, 0);
        foreign.Start();
        var port = ((IPEndPoint)foreign.LocalEndpoint).Port;

        await using var supervisor = ChildProcess.StartSupervisor(SupervisorProcess.Arguments(Apps.TestWorker, port, workers: 1));

        Assert.True(await supervisor.WaitForExitAsync(ExitDeadline));
        Assert.Equal(2, supervisor.ExitCode);
        Assert.Contains($"Port {port} on 127.0.0.1 is already in use by another process", supervisor.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("started, pid", supervisor.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task App_that_crashes_at_start_fails_the_Supervisor_fast_with_its_output()
    {
        var port = FreePort.Next();
        await using var supervisor = ChildProcess.StartSupervisor(SupervisorProcess.Arguments(Apps.TestWorker, port, workers: 2),
            new Dictionary<string, string?> { ["TESTWORKER_CRASH_ON_START"] = "1" });

        Assert.True(await supervisor.WaitForExitAsync(ExitDeadline));
        Assert.Equal(3, supervisor.ExitCode);
        Assert.Contains("exited (exit code 3) before it was ready", supervisor.Output, StringComparison.Ordinal);
        Assert.Contains("crashing on start as asked", supervisor.Output, StringComparison.Ordinal);
        Assert.Empty(ProcessTable.ChildrenOf(supervisor.Pid));
    }

    [Fact]
    public async Task Worker_without_UseSupervision_is_never_ready_and_says_what_to_call()
    {
        var port = FreePort.Next();
        await using var supervisor = ChildProcess.StartSupervisor(SupervisorProcess.Arguments(Apps.TestWorker, port, workers: 2),
            new Dictionary<string, string?> { ["TESTWORKER_FORGET_USESUPERVISION"] = "1" });

        Assert.True(await supervisor.WaitForExitAsync(ExitDeadline));
        Assert.Equal(3, supervisor.ExitCode);
        Assert.Contains("before it was ready", supervisor.Output, StringComparison.Ordinal);
        Assert.Contains("its pipeline lacks app.UseSupervision()", supervisor.Output, StringComparison.Ordinal);
        Assert.Empty(ProcessTable.ChildrenOf(supervisor.Pid));
    }

    [Fact]
    public async Task Project_directory_without_build_output_is_reported_with_the_fix()
    {
        var directory = Directory.CreateTempSubdirectory("supervisor-app-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "Unbuilt.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk.Web\" />");
            await using var supervisor = ChildProcess.StartSupervisor(["--app", directory.FullName, "--port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)]);

            Assert.True(await supervisor.WaitForExitAsync(ExitDeadline));
            Assert.Equal(2, supervisor.ExitCode);
            Assert.Contains("Unbuilt.csproj has no build output", supervisor.Output, StringComparison.Ordinal);
            Assert.Contains("dotnet build", supervisor.Output, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Project_directory_runs_its_build_output()
    {
        await using var supervisor = await SupervisorProcess.StartAsync(Path.Combine(RepositoryPaths.Root, "tests", "TestWorker"), workers: 1);
        Assert.Equal("testworker", (await supervisor.GetStatusAsync()).Name);
    }
}
