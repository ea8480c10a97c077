namespace ReferenceApp.AppHost.Dashboard.Resources;

/// <summary>A Supervisor's <c>GET /status</c> (CONTRACTS.md section 3). States stay strings: the dashboard shows, never decides.</summary>
public sealed record SupervisorStatus(
    string Name,
    string Policy,
    int Port,
    int DesiredWorkers,
    SupervisorReload? Reload,
    IReadOnlyList<WorkerStatus> Workers);

/// <summary>The latest rolling reload, running or finished.</summary>
public sealed record SupervisorReload(string State, string? Trigger, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, int Replaced, string? Error);

/// <summary>One worker slot: its current process (if any) and its history.</summary>
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
    WorkerExit? LastExit);

/// <summary>How a worker's previous process ended.</summary>
public sealed record WorkerExit(int? Code, int? Signal, DateTimeOffset At, string Reason);
