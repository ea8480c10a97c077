using System.Globalization;
using System.Text.RegularExpressions;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Interop;

namespace ReferenceApp.AppHost.Tests.Dashboard;

/// <summary>
/// The real, built AppHost with its whole system (Redis, Supervisors and workers, Web) on free ports, as a developer
/// runs it; the dashboard's login link is read from its output, as a person would read it.
/// </summary>
public sealed partial class RunningAppHost : IAsyncDisposable
{
    private const string AllRunning = "AppHost: all resources running";

    private RunningAppHost(ChildProcess process, int dashboardPort, int apiPort)
    {
        Process = process;
        DashboardPort = dashboardPort;
        ApiAddress = new Uri($"http://127.0.0.1:{apiPort.ToString(CultureInfo.InvariantCulture)}");
    }

    public ChildProcess Process { get; }

    public int DashboardPort { get; }

    public Uri ApiAddress { get; }

    /// <summary>The printed <c>Dashboard: http://localhost:P/login?t=...</c> link.</summary>
    public Uri LoginUrl => new(LoginLine().Match(Process.Output) is { Success: true } match
        ? match.Groups["url"].Value
        : throw new InvalidOperationException($"The AppHost printed no dashboard link:\n{Process.Output}"));

    public Uri DashboardAddress => new($"http://localhost:{DashboardPort.ToString(CultureInfo.InvariantCulture)}");

    public static async Task<RunningAppHost> StartAsync()
    {
        int[] ports = [.. Enumerable.Range(0, 7).Select(_ => FreePort.Next()).Distinct()];
        if (ports.Length < 7)
        {
            return await StartAsync();
        }

        string Port(int i) => ports[i].ToString(CultureInfo.InvariantCulture);
        var process = ChildProcess.StartProject("AppHost",
        [
            "--dashboard-port", Port(0), "--otlp-grpc-port", Port(1), "--otlp-http-port", Port(2),
            "--api-port", Port(3), "--realtime-port", Port(4), "--web-port", Port(5), "--redis-port", Port(6),
        ],
        // As `dotnet run` starts it (launchSettings): services then export every second, as Aspire's AppHost has them do.
        new Dictionary<string, string?> { ["DOTNET_ENVIRONMENT"] = "Development", ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        var appHost = new RunningAppHost(process, ports[0], ports[3]);
        try
        {
            await process.WaitForOutputAsync(AllRunning, TimeSpan.FromSeconds(180));
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited with {process.ExitCode}:\n{process.Output}");
            }
        }
        catch
        {
            await appHost.DisposeAsync();
            throw;
        }

        return appHost;
    }

    /// <summary>Stops the AppHost as Ctrl+C would (it stops every resource), and kills what is left after a deadline.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Signal(Signals.SIGTERM);
            await Process.WaitForExitAsync(TimeSpan.FromSeconds(40));
        }

        await Process.DisposeAsync();
    }

    [GeneratedRegex(@"Dashboard: (?<url>http://localhost:\d+/login\?t=[0-9a-f]+)")]
    private static partial Regex LoginLine();
}
