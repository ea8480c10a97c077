using System.Net;
using System.Net.Sockets;
using ReferenceApp.Testing;

namespace ReferenceApp.AppHost.Tests.Orchestration;

/// <summary>The real AppHost refusing a setup it cannot run: fast, exit code 2, a message that says what to change.</summary>
public sealed class AppHostSetupErrorTests
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_taken_fixed_port_fails_fast_naming_the_port_the_resource_and_the_option_and_starts_nothing()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        var ports = AppHostPorts.Free();
        var marker = Guid.NewGuid().ToString("N");

        await using var appHost = ChildProcess.StartProject(
            "AppHost",
            [.. ports.Arguments(), "--api-port", taken.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string?> { [AppHostProcess.RunMarkerVariable] = marker });

        Assert.True(await appHost.WaitForExitAsync(ExitDeadline), "the AppHost kept running with a taken port");
        Assert.Equal(2, appHost.ExitCode);
        Assert.Contains($"Port {taken} for 'api' (HTTP port) is already in use", appHost.Output, StringComparison.Ordinal);
        Assert.Contains("--api-port <port>, or AppHost__Ports__api=<port>", appHost.Output, StringComparison.Ordinal);
        Assert.Empty(MarkedProcesses.Find(marker));
        Assert.False(FreePort.IsListening(ports.Dashboard), "the dashboard started although the AppHost refused to");
    }

    [Fact]
    public async Task A_taken_dashboard_port_is_named_with_its_option()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((IPEndPoint)holder.LocalEndpoint).Port;

        await using var appHost = ChildProcess.StartProject(
            "AppHost",
            [.. AppHostPorts.Free().Arguments(), "--dashboard-port", taken.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.True(await appHost.WaitForExitAsync(ExitDeadline));
        Assert.Equal(2, appHost.ExitCode);
        Assert.Contains($"Port {taken} for the dashboard UI is already in use", appHost.Output, StringComparison.Ordinal);
        Assert.Contains("--dashboard-port <port>, or Dashboard__Port=<port>", appHost.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_options_and_bad_values_are_all_reported_at_once()
    {
        await using var appHost = ChildProcess.StartProject(
            "AppHost",
            [.. AppHostPorts.Free().Arguments(), "--api-wrokers", "2", "--realtime-workers", "100", "--stop-timeout", "0"]);

        Assert.True(await appHost.WaitForExitAsync(ExitDeadline));
        Assert.Equal(2, appHost.ExitCode);
        Assert.Contains("Unknown option --api-wrokers. See --help", appHost.Output, StringComparison.Ordinal);
        Assert.Contains("AppHost:Workers:realtime must be 'auto' or 1-64, but is '100'", appHost.Output, StringComparison.Ordinal);
        Assert.Contains("AppHost:StopTimeoutSeconds must be 1-600 seconds", appHost.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_options_and_exits_0_without_starting_anything()
    {
        var ports = AppHostPorts.Free();
        await using var appHost = ChildProcess.StartProject("AppHost", [.. ports.Arguments(), "--help"]);

        Assert.True(await appHost.WaitForExitAsync(ExitDeadline));
        Assert.Equal(0, appHost.ExitCode);
        foreach (var option in new[] { "--api-port", "--api-workers", "--realtime-balancing", "--web-port", "--redis", "--dashboard-port", "--stop-timeout" })
        {
            Assert.Contains(option, appHost.Output, StringComparison.Ordinal);
        }

        Assert.False(FreePort.IsListening(ports.Dashboard));
    }
}
