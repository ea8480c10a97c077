using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using ReferenceApp.AppHost.Tests.Hosting;
using ReferenceApp.Supervisor.Hosting;
using ReferenceApp.Testing;

namespace ReferenceApp.AppHost.Tests.Preflight;

/// <summary>The AppHost's settings (<c>Ports:Base</c>, <c>Balancing:Api</c>): what they move, and how a wrong one is reported.</summary>
public sealed class AppHostSettingsTests
{
    [Fact]
    public async Task Ports_Base_moves_every_fixed_port_and_the_dashboards()
    {
        // Hold Base+80 (the Api) and Base+13888 (the dashboard): the AppHost must name both, derived from the base alone.
        var basePort = FreePort.AppHostBase();
        using var api = new TcpListener(IPAddress.Loopback, basePort + 80);
        using var dashboard = new TcpListener(IPAddress.Loopback, basePort + 13888);
        api.Start();
        dashboard.Start();
        var marker = Guid.NewGuid().ToString("N");

        await using var appHost = ChildProcess.StartProject("AppHost", [$"--Ports:Base={basePort}"],
            new Dictionary<string, string?> { [AppHostProcess.RunMarkerVariable] = marker });

        Assert.True(await appHost.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the AppHost kept running with two taken ports");
        Assert.Equal(2, appHost.ExitCode);
        Assert.Contains($"AppHost: Port {basePort + 80} (Ports:Api) is already in use.", appHost.Output, StringComparison.Ordinal);
        Assert.Contains($"AppHost: Port {basePort + 13888} (ASPNETCORE_URLS) is already in use.", appHost.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($"Port {basePort} ", appHost.Output, StringComparison.Ordinal); // the Web's port was free
        Assert.Empty(MarkedProcesses.Find(marker));
    }

    [Fact]
    public async Task Wrong_base_and_balancing_are_reported_together_before_anything_starts()
    {
        await using var appHost = ChildProcess.StartProject("AppHost", ["--Ports:Base=70000", "--Balancing:Api=Fastest"],
            AppHostPorts.Free().DashboardEnvironment());

        Assert.True(await appHost.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the AppHost kept running with wrong settings");
        Assert.Equal(2, appHost.ExitCode);
        Assert.Contains("AppHost: Ports:Base must be a port from 1 to 51645", appHost.Output, StringComparison.Ordinal);
        Assert.Contains("AppHost: Balancing:Api must be one of ReusePort, RoundRobin, Sticky, but was 'Fastest'.", appHost.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "RoundRobin")]
    [InlineData("sticky", "Sticky")]
    [InlineData("ReusePort", "ReusePort")]
    public async Task Balancing_Api_reaches_the_api_Supervisor(string? setting, string expected)
    {
        string[] ports = ["--Ports:Web=0", "--Ports:Api=0", "--Ports:Realtime=0"];
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            setting is null ? ports : [.. ports, $"--Balancing:Api={setting}"]);

        var api = appHost.Resources.OfType<SupervisedProjectResource>().Single(resource => resource.Name == "api");

        Assert.Equal(expected, (await ResourceArguments.ReadAsync(api)).After("--balancing"));
    }
}
