using System.Text.Json;

namespace ReferenceApp.Web.Cluster;

/// <summary>A Supervisor's answer to <c>GET /status</c> (CONTRACTS.md section 3).</summary>
public sealed record SupervisorStatus(
    string Name,
    string? Policy,
    int Port,
    int DesiredWorkers,
    IReadOnlyList<WorkerStatus> Workers,
    ReloadProgress? Reload = null);

/// <summary>The latest rolling reload: <c>State</c> is Running, Completed or Failed.</summary>
public sealed record ReloadProgress(string State, string? Trigger, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, int Replaced, string? Error)
{
    public bool IsRunning => string.Equals(State, "Running", StringComparison.OrdinalIgnoreCase);
}

/// <summary>One worker slot of a Supervisor.</summary>
public sealed record WorkerStatus(
    int Index,
    int? Pid,
    string State,
    DateTimeOffset? StartedAt,
    int Restarts,
    long? RssBytes,
    long? GcHeapBytes,
    long? InFlight,
    long? RequestsServed,
    WorkerExit? LastExit)
{
    public bool IsReady => string.Equals(State, WorkerStates.Ready, StringComparison.OrdinalIgnoreCase);
}

/// <summary>How a worker's previous process ended. <c>Signal</c> is kept as sent (a number or a name).</summary>
public sealed record WorkerExit(int? Code, JsonElement? Signal, DateTimeOffset? At, string? Reason)
{
    public string? SignalText => Signal switch
    {
        { ValueKind: JsonValueKind.Number } number when number.TryGetInt32(out var value) => SignalName(value),
        { ValueKind: JsonValueKind.String } name => name.GetString(),
        _ => null,
    };

    private static string SignalName(int signal) => signal switch
    {
        2 => "SIGINT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => signal.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>The worker states a Supervisor reports.</summary>
public static class WorkerStates
{
    public const string Starting = "Starting";
    public const string Ready = "Ready";
    public const string Draining = "Draining";
    public const string Stopping = "Stopping";
    public const string Exited = "Exited";
    public const string Backoff = "Backoff";
    public const string Failed = "Failed";
}
