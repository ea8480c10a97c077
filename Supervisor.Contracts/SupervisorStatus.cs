using System.Text.Json.Serialization;

namespace ReferenceApp.Supervisor.Contracts;

/// <summary>A Supervisor's answer to <c>GET /status</c>: its policy, its public port and every worker slot, by index.</summary>
/// <param name="Name">The supervised service, e.g. <c>api</c>.</param>
/// <param name="Policy">The balancing policy: <c>ReusePort</c>, <c>RoundRobin</c> or <c>Sticky</c>.</param>
/// <param name="Reload">The running or the last rolling reload; null before the first.</param>
public sealed record SupervisorStatus(string Name, string Policy, int Port, int DesiredWorkers, ReloadStatus? Reload, IReadOnlyList<WorkerStatus> Workers)
{
    /// <summary>How many workers are Ready: derived from <see cref="Workers"/>, so it is not on the wire.</summary>
    [JsonIgnore]
    public int ReadyWorkers => Workers.Count(worker => worker.State == WorkerState.Ready);
}

/// <summary>One worker slot: its current process, if any, its latest heartbeat and how its previous process ended.</summary>
/// <param name="Pid">The current process; null while the slot has none (Exited, Backoff, Failed).</param>
/// <param name="Restarts">How many processes this slot has started after its first.</param>
public sealed record WorkerStatus(
    int Index,
    int? Pid,
    WorkerState State,
    DateTimeOffset? StartedAt,
    int Restarts,
    long? RssBytes,
    long? GcHeapBytes,
    long? InFlight,
    long? RequestsServed,
    WorkerExit? LastExit);

/// <summary>The state of a worker slot. On the wire it is its name (<c>"Ready"</c>), never a number.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkerState>))]
public enum WorkerState
{
    /// <summary>The process runs but has not reported ready yet.</summary>
    Starting,

    /// <summary>Reported ready; serving.</summary>
    Ready,

    /// <summary>Asked to finish in-flight requests and exit (recycle, reload, scale down).</summary>
    Draining,

    /// <summary>Being stopped for good (Supervisor shutdown) or killed.</summary>
    Stopping,

    /// <summary>No process.</summary>
    Exited,

    /// <summary>Exited unexpectedly; waiting for the restart delay.</summary>
    Backoff,

    /// <summary>Crash loop: no longer restarted until an operator restarts the slot.</summary>
    Failed,
}

/// <summary>How a worker process ended.</summary>
/// <param name="Code">Exit code, or null when a signal ended it.</param>
/// <param name="Signal">The signal that ended it (e.g. 9 for SIGKILL), or null.</param>
/// <param name="At">When the Supervisor saw it exit.</param>
/// <param name="Reason">Why, in words: "exited with code 3", or what the Supervisor asked ("heartbeat timeout", "reload").</param>
public sealed record WorkerExit(int? Code, int? Signal, DateTimeOffset At, string Reason);

/// <summary>A rolling reload, running or finished.</summary>
/// <param name="Trigger">Who started it: <c>control API</c> or <c>SIGHUP</c>.</param>
/// <param name="Replaced">How many workers it has replaced so far.</param>
/// <param name="Error">Why it failed; null unless <paramref name="State"/> is <see cref="ReloadState.Failed"/>.</param>
public sealed record ReloadStatus(ReloadState State, string Trigger, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, int Replaced, string? Error);

/// <summary>Where a rolling reload is. On the wire it is its name, never a number.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReloadState>))]
public enum ReloadState
{
    Running,
    Completed,
    Failed,
}
