namespace ReferenceApp.Supervisor.Workers;

/// <summary>The state of a worker slot, as the control API reports it.</summary>
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

/// <summary>The latest heartbeat a worker sent.</summary>
public sealed record WorkerHeartbeat(long RssBytes, long GcHeapBytes, long InFlight, long RequestsServed);
