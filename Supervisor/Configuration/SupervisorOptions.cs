using System.Globalization;
using ReferenceApp.Supervisor.Balancing;
using ReferenceApp.Supervisor.Balancing.Sticky;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Configuration;

/// <summary>Everything the Supervisor can be told, bound from the <c>Supervisor</c> configuration section and the command line.</summary>
public sealed class SupervisorOptions
{
    public const string SectionName = "Supervisor";
    public const string AutoWorkers = "auto";
    public const int MaxWorkers = 64;

    /// <summary>The worker app: a built .dll, or a project directory (or .csproj) whose build output is used.</summary>
    public string? App { get; set; }

    /// <summary>Arguments passed to every worker (everything after <c>--</c> on the command line).</summary>
    public IList<string> AppArguments { get; } = [];

    /// <summary>The public port the workers share. Required; 0 is not allowed.</summary>
    public int Port { get; set; }

    /// <summary>The address the public port is bound on: 0.0.0.0 (every IPv4 interface), :: (dual stack) or one address.</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary><c>auto</c> (one per CPU the process may use, at least 1) or a number from 1 to 64.</summary>
    public string Workers { get; set; } = AutoWorkers;

    /// <summary>RoundRobin by default: even spread and lossless reloads at a small Supervisor cost (docs/balancing.md).</summary>
    public BalancingMode Balancing { get; set; } = BalancingMode.RoundRobin;

    /// <summary>Loopback port of the control API; 0 picks a free one (printed at start-up).</summary>
    public int ControlPort { get; set; }

    /// <summary>Bearer token of the control API; generated and printed once at start-up when not set. Never on the command line.</summary>
    public string? ControlToken { get; set; }

    /// <summary>Service name of the workers (and their instances <c>name-index</c>); default OTEL_SERVICE_NAME, else the app's assembly name.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// The workers' OpenTelemetry <c>service.instance.id</c>: <c>{name}</c> and <c>{index}</c> are replaced (default
    /// <c>{name}-{index}</c>, e.g. <c>api-1</c>). An Aspire AppHost sets <c>{index}</c>: its dashboard names a telemetry
    /// source <c>service.name-service.instance.id</c>, which then equals the worker's child resource, <c>api-1</c>.
    /// </summary>
    public string WorkerInstanceId { get; set; } = DefaultWorkerInstanceId;

    public const string DefaultWorkerInstanceId = "{name}-{index}";

    /// <summary>The <see cref="WorkerInstanceId"/> of the worker in slot <paramref name="index"/> of <paramref name="serviceName"/>.</summary>
    public string FormatWorkerInstanceId(string serviceName, int index) => WorkerInstanceId
        .Replace("{name}", serviceName, StringComparison.Ordinal)
        .Replace("{index}", index.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>How long a new worker may take to report ready before it is killed.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a stopping worker may take to finish in-flight requests before SIGKILL.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Resident memory (MiB) above which a worker is recycled gracefully; 0 turns the policy off.</summary>
    public int MemoryLimitMb { get; set; }

    public RestartOptions Restart { get; set; } = new();

    public CrashLoopOptions CrashLoop { get; set; } = new();

    public HeartbeatOptions Heartbeat { get; set; } = new();

    /// <summary>The Sticky policy's peek (<c>Supervisor:Sticky</c>); read whatever the policy, used only by Sticky.</summary>
    public StickyOptions Sticky { get; set; } = new();

    /// <summary>
    /// Every setting of the section by its path below <c>Supervisor</c>, the nested ones as <c>Group:Setting</c>: what
    /// <see cref="SupervisorSettings"/> accepts; any other key is reported as a typo. A test keeps it equal to the properties.
    /// </summary>
    internal static readonly IReadOnlySet<string> Settings = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        nameof(App), nameof(Port), nameof(Address), nameof(Workers), nameof(Balancing), nameof(ControlPort), nameof(ControlToken),
        nameof(Name), nameof(WorkerInstanceId), nameof(StartTimeout), nameof(DrainTimeout), nameof(MemoryLimitMb),
        $"{nameof(Restart)}:{nameof(RestartOptions.InitialDelay)}", $"{nameof(Restart)}:{nameof(RestartOptions.Multiplier)}",
        $"{nameof(Restart)}:{nameof(RestartOptions.MaxDelay)}", $"{nameof(Restart)}:{nameof(RestartOptions.StableAfter)}",
        $"{nameof(CrashLoop)}:{nameof(CrashLoopOptions.MaxUnstableExits)}", $"{nameof(CrashLoop)}:{nameof(CrashLoopOptions.Window)}",
        $"{nameof(Heartbeat)}:{nameof(HeartbeatOptions.Interval)}", $"{nameof(Heartbeat)}:{nameof(HeartbeatOptions.Timeout)}",
        $"{nameof(Sticky)}:{nameof(StickyOptions.PeekTimeout)}", $"{nameof(Sticky)}:{nameof(StickyOptions.MaxHeadBytes)}",
        $"{nameof(Sticky)}:{nameof(StickyOptions.MaxPendingConnections)}",
    };

    internal static bool IsSetting(string path) => Settings.Contains(path);

    internal static bool IsSettingGroup(string path) => Settings.Any(setting => setting.StartsWith(path + ":", StringComparison.OrdinalIgnoreCase));

    /// <summary><see cref="AppArguments"/> binds a list: its keys are indexes (<c>AppArguments:0</c>).</summary>
    internal static bool IsListSetting(string path) => path.Equals(nameof(AppArguments), StringComparison.OrdinalIgnoreCase);

    /// <summary>The worker count <see cref="Workers"/> asks for; call only after validation.</summary>
    public int ResolveWorkerCount() =>
        Workers.Trim().Equals(AutoWorkers, StringComparison.OrdinalIgnoreCase)
            ? Math.Clamp(Environment.ProcessorCount, 1, MaxWorkers)
            : int.Parse(Workers, NumberStyles.None, CultureInfo.InvariantCulture);
}

/// <summary>Restart on exit with exponential backoff.</summary>
public sealed class RestartOptions
{
    /// <summary>Delay before the first restart after a stable run.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Each further unstable exit in a row multiplies the delay by this.</summary>
    public double Multiplier { get; set; } = 2;

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A worker that ran this long is stable: its exit restarts the backoff from <see cref="InitialDelay"/>.</summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>When a slot stops being restarted.</summary>
public sealed class CrashLoopOptions
{
    /// <summary>This many unstable exits (uptime below Restart:StableAfter) within <see cref="Window"/> mark the slot Failed.</summary>
    public int MaxUnstableExits { get; set; } = 5;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>Liveness of ready workers.</summary>
public sealed class HeartbeatOptions
{
    /// <summary>How often a worker reports (memory, requests).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A ready worker silent this long is hung: it is killed and replaced.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
