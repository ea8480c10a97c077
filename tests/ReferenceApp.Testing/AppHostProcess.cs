using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ReferenceApp.Testing;

/// <summary>
/// The real Aspire AppHost (built dll) running the whole system as a process: DCP, the Aspire dashboard and every resource,
/// every port free and known, and every process it starts marked by <see cref="RunMarker"/> in its environment (inherited by
/// DCP and every descendant), so a test can find them all.
/// </summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    /// <summary>The environment variable that marks every process of one test run.</summary>
    public const string RunMarkerVariable = "REFERENCEAPP_TEST_RUN";

    private AppHostProcess(ChildProcess process, AppHostPorts ports, string runMarker)
    {
        Process = process;
        Ports = ports;
        RunMarker = runMarker;
    }

    public ChildProcess Process { get; }

    public AppHostPorts Ports { get; }

    /// <summary>The value of <see cref="RunMarkerVariable"/> in the environment of every process of this run.</summary>
    public string RunMarker { get; }

    /// <summary>From starting the built AppHost until the Api, the hub and the Web all answer <c>/health</c>.</summary>
    public TimeSpan StartupTime { get; private set; }

    public Uri ApiAddress => Loopback(Ports.Api);

    public Uri RealtimeAddress => Loopback(Ports.Realtime);

    public Uri WebAddress => Loopback(Ports.Web);

    /// <summary>Every service this system's AppHost runs, each on its own port.</summary>
    public IReadOnlyList<Uri> ServiceAddresses =>
    [
        ApiAddress,
#if (!NoRealtime)
        RealtimeAddress,
#endif
#if (!NoWeb)
        WebAddress,
#endif
    ];

    /// <summary>The dashboard's login link with its browser token, as the AppHost printed it.</summary>
    public Uri DashboardLogin => Process.OutputLines.Select(line => LoginLine().Match(line)).FirstOrDefault(match => match.Success) is { } match
        ? new Uri(match.Groups["url"].Value)
        : throw new InvalidOperationException("The AppHost printed no dashboard login link.");

    /// <summary>
    /// Starts the AppHost with free ports (<c>--Ports:*</c> and the dashboard's variables) and <paramref name="arguments"/>
    /// (configuration such as <c>--Workers:Api=2</c>), then waits until every public endpoint is healthy (or throws with its output).
    /// </summary>
    public static async Task<AppHostProcess> StartAsync(
        IEnumerable<string>? arguments = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? deadline = null)
    {
        var ports = AppHostPorts.Free();
        var runMarker = Guid.NewGuid().ToString("N");
        var variables = new Dictionary<string, string?>(ports.DashboardEnvironment())
        {
            [RunMarkerVariable] = runMarker,
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[key] = value;
        }

        var stopwatch = Stopwatch.StartNew();
        // In the AppHost's folder, as 'dotnet run --project AppHost' runs it: its appsettings.json applies.
        var process = ChildProcess.StartProject("AppHost", ports.Arguments().Concat(arguments ?? []), variables,
            workingDirectory: Path.Combine(RepositoryPaths.Root, "AppHost"));
        var appHost = new AppHostProcess(process, ports, runMarker);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Eventually.TrueAsync(
                async () => process.HasExited || await AllHealthyAsync(http, appHost.ServiceAddresses),
                deadline ?? TimeSpan.FromSeconds(120),
                $"the AppHost's {string.Join(", ", appHost.ServiceAddresses.Select(address => address.Port))} to answer /health");
            appHost.StartupTime = stopwatch.Elapsed;
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited with code {process.ExitCode}:\n{process.Output}");
            }
        }
        catch (Exception exception) when (exception is not InvalidOperationException)
        {
            await appHost.DisposeAsync();
            throw new InvalidOperationException($"The AppHost did not become healthy: {exception.Message}\n{process.Output}", exception);
        }
        catch
        {
            await appHost.DisposeAsync();
            throw;
        }

        return appHost;
    }

    /// <summary>Stops the AppHost if it still runs, then SIGKILLs any process of this run that is left, so no test leaks one.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            // Ctrl+C, as a person stops it: DCP stops every resource before the AppHost exits.
            Process.Signal(Interop.Signals.SIGINT);
            await Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }

        await Process.DisposeAsync();
        foreach (var pid in MarkedProcesses.Find(RunMarker))
        {
            Interop.Signals.Send(pid, Interop.Signals.SIGKILL);
        }
    }

    private static async Task<bool> AllHealthyAsync(HttpClient http, IEnumerable<Uri> addresses)
    {
        foreach (var address in addresses)
        {
            if (!await HealthyAsync(http, address))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<bool> HealthyAsync(HttpClient http, Uri address)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(address, "/health"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static Uri Loopback(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

    [GeneratedRegex(@"Login to the dashboard at (?<url>http://\S+/login\?t=[0-9a-f]+)")]
    private static partial Regex LoginLine();
}

/// <summary>The ports one AppHost run uses, each chosen free by the test.</summary>
public sealed record AppHostPorts(int Web, int Api, int Realtime, int Dashboard, int OtlpGrpc, int OtlpHttp, int ResourceService)
{
    public static AppHostPorts Free()
    {
        var ports = new HashSet<int>();
        while (ports.Count < 7)
        {
            ports.Add(FreePort.Next());
        }

        var list = ports.ToArray();
        return new AppHostPorts(list[0], list[1], list[2], list[3], list[4], list[5], list[6]);
    }

    public IReadOnlyList<int> All => [Web, Api, Realtime, Dashboard, OtlpGrpc, OtlpHttp, ResourceService];

    public Uri DashboardAddress => new($"http://localhost:{Text(Dashboard)}");

    /// <summary>The AppHost's own settings: the services' ports.</summary>
    public IEnumerable<string> Arguments() => [$"--Ports:Web={Text(Web)}", $"--Ports:Api={Text(Api)}", $"--Ports:Realtime={Text(Realtime)}"];

    /// <summary>What the launch profile sets when a person runs <c>dotnet run --project AppHost</c>: the dashboard's addresses.</summary>
    public IReadOnlyDictionary<string, string?> DashboardEnvironment() => new Dictionary<string, string?>
    {
        ["ASPNETCORE_URLS"] = $"http://localhost:{Text(Dashboard)}",
        ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{Text(OtlpGrpc)}",
        ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://localhost:{Text(OtlpHttp)}",
        ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{Text(ResourceService)}",
        ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
    };

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The live processes whose environment carries a test run's marker (see <see cref="AppHostProcess.RunMarkerVariable"/>).</summary>
public static class MarkedProcesses
{
    /// <summary>PIDs of live (non-zombie) processes started with <c>REFERENCEAPP_TEST_RUN=<paramref name="runMarker"/></c>. See proc(5).</summary>
    public static IReadOnlyList<int> Find(string runMarker)
    {
        ArgumentException.ThrowIfNullOrEmpty(runMarker);
        var marker = $"{AppHostProcess.RunMarkerVariable}={runMarker}";
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "environ")).Split('\0').Contains(marker) && ProcessTable.IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return found;
    }
}
