using System.Globalization;
using System.Text.RegularExpressions;
using ReferenceApp.Testing;

namespace ReferenceApp.Web.Tests.Hosting;

/// <summary>
/// The real AppHost (<c>dotnet AppHost.dll</c>) on free ports, as a person starts it, with two workers per cluster and a
/// Redis the test owns (so a test can take it down). Stopped with SIGTERM, then killed with its tree if it lingers.
/// </summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(30);

    private AppHostProcess(ChildProcess process, int apiPort, int realtimePort, int webPort, int dashboardPort)
    {
        Process = process;
        ApiUrl = Localhost(apiPort);
        RealtimeUrl = Localhost(realtimePort);
        WebUrl = Localhost(webPort);
        DashboardUrl = Localhost(dashboardPort);
    }

    public ChildProcess Process { get; }

    public Uri ApiUrl { get; }

    public Uri RealtimeUrl { get; }

    public Uri WebUrl { get; }

    public Uri DashboardUrl { get; }

    public const int WorkersPerCluster = 2;

    public static async Task<AppHostProcess> StartAsync(string redisConnectionString)
    {
        var (api, realtime, web, dashboard, otlpGrpc, otlpHttp) = (FreePort.Next(), FreePort.Next(), FreePort.Next(), FreePort.Next(), FreePort.Next(), FreePort.Next());
        var workers = WorkersPerCluster.ToString(CultureInfo.InvariantCulture);
        string[] arguments =
        [
            "--redis", redisConnectionString,
            "--api-port", Text(api), "--api-workers", workers, "--api-balancing", "RoundRobin",
            "--realtime-port", Text(realtime), "--realtime-workers", workers, "--realtime-balancing", "Sticky",
            "--web-port", Text(web),
            "--dashboard-port", Text(dashboard), "--otlp-grpc-port", Text(otlpGrpc), "--otlp-http-port", Text(otlpHttp),
        ];
        var environment = new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Development" };
        var process = ChildProcess.StartProject("AppHost", arguments, environment, keepStdinOpen: true);
        var host = new AppHostProcess(process, api, realtime, web, dashboard);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.TrueAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"The AppHost exited with {process.ExitCode}:\n{Tail(process)}");
                    }

                    // The AppHost prints the dashboard's login line once every resource is running.
                    if (!process.OutputLines.Any(line => line.Contains("Dashboard: http", StringComparison.Ordinal)))
                    {
                        return false;
                    }

                    using var response = await http.GetAsync(new Uri(host.WebUrl, "/alive"));
                    return response.IsSuccessStatusCode;
                },
                StartDeadline,
                "the AppHost to start every resource");
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
        {
            var output = Tail(process);
            await host.DisposeAsync();
            throw new InvalidOperationException($"The AppHost did not start: {exception.Message}\n{output}", exception);
        }

        return host;
    }

    /// <summary>The dashboard's login link with its browser token, as the AppHost printed it.</summary>
    public Uri? DashboardLogin => Process.OutputLines.Select(line => LoginLine().Match(line)).FirstOrDefault(match => match.Success) is { } match
        ? new Uri(match.Groups["url"].Value)
        : null;

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Signal(15);
            await Process.WaitForExitAsync(StopDeadline);
        }

        await Process.DisposeAsync();
    }

    /// <summary>The last lines of the AppHost's console, for failure messages.</summary>
    public static string Tail(ChildProcess process, int lines = 60) =>
        string.Join(Environment.NewLine, process.OutputLines.TakeLast(lines));

    private static Uri Localhost(int port) => new($"http://localhost:{Text(port)}");

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Dashboard: (?<url>http://\S+/login\?t=\S+)")]
    private static partial Regex LoginLine();
}
