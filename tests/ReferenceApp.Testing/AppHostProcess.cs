using System.Diagnostics;
using System.Globalization;

namespace ReferenceApp.Testing;

/// <summary>
/// The real AppHost (built dll) running the whole system as a process, every port free and known, and every process it
/// starts marked by <see cref="RunMarker"/> in its environment (inherited by every descendant), so a test can find them all.
/// </summary>
public sealed class AppHostProcess : IAsyncDisposable
{
    /// <summary>The environment variable that marks every process of one test run.</summary>
    public const string RunMarkerVariable = "REFERENCEAPP_TEST_RUN";

    /// <summary>The line the AppHost prints once every resource is running (StartupReport.AllRunningMarker).</summary>
    public const string AllRunningMarker = "AppHost: all resources running";

    private const string NotAllRunningMarker = "AppHost: not every resource started";

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

    /// <summary>From starting the built AppHost to its all-running line.</summary>
    public TimeSpan StartupTime { get; private set; }

    public Uri ApiAddress => Loopback(Ports.Api);

    public Uri RealtimeAddress => Loopback(Ports.Realtime);

    public Uri WebAddress => Loopback(Ports.Web);

    /// <summary>Starts the AppHost with free ports and waits until every resource runs (or throws with its output).</summary>
    public static async Task<AppHostProcess> StartAsync(
        IEnumerable<string>? arguments = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? deadline = null)
    {
        var ports = AppHostPorts.Free();
        var runMarker = Guid.NewGuid().ToString("N");
        var variables = new Dictionary<string, string?>
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
        var process = ChildProcess.StartProject("AppHost", ports.Arguments().Concat(arguments ?? []), variables);
        var appHost = new AppHostProcess(process, ports, runMarker);
        try
        {
            await Eventually.TrueAsync(
                () => process.HasExited || process.OutputLines.Any(line => line.Contains(AllRunningMarker, StringComparison.Ordinal) || line.Contains(NotAllRunningMarker, StringComparison.Ordinal)),
                deadline ?? TimeSpan.FromSeconds(120),
                "the AppHost to report every resource running");
            appHost.StartupTime = stopwatch.Elapsed;
            if (process.HasExited || !process.OutputLines.Any(line => line.Contains(AllRunningMarker, StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"The AppHost did not start every resource:\n{process.Output}");
            }
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
        await Process.DisposeAsync();
        foreach (var pid in MarkedProcesses.Find(RunMarker))
        {
            Interop.Signals.Send(pid, Interop.Signals.SIGKILL);
        }
    }

    private static Uri Loopback(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
}

/// <summary>The ports one AppHost run uses, each chosen free by the test.</summary>
public sealed record AppHostPorts(int Web, int Api, int Realtime, int Redis, int Dashboard, int OtlpGrpc, int OtlpHttp)
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

    public IReadOnlyList<int> All => [Web, Api, Realtime, Redis, Dashboard, OtlpGrpc, OtlpHttp];

    public IEnumerable<string> Arguments() =>
    [
        "--web-port", Text(Web), "--api-port", Text(Api), "--realtime-port", Text(Realtime), "--redis-port", Text(Redis),
        "--dashboard-port", Text(Dashboard), "--otlp-grpc-port", Text(OtlpGrpc), "--otlp-http-port", Text(OtlpHttp),
    ];

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
