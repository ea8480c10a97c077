using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Workers;

/// <summary>
/// One launched worker process as the lifecycle sees it (slot, pool, watchdog, health policies). <see cref="WorkerProcess"/>
/// is the real one; the seam lets the lifecycle's state machine be tested with fakes and a fake clock.
/// </summary>
internal interface IWorkerProcess
{
    int ProcessId { get; }

    string InstanceName { get; }

    WorkerState State { get; }

    DateTimeOffset StartedAt { get; }

    WorkerHeartbeat? LastHeartbeat { get; }

    /// <summary>Completes when the worker reported ready; never completes if it exits first (watch <see cref="Exited"/>).</summary>
    Task Ready { get; }

    Task<WorkerExit> Exited { get; }

    /// <summary>True once the Supervisor asked it to go (drain, stop, replacement): its exit is expected, not a crash.</summary>
    bool StopRequested { get; }

    /// <summary>Set when a policy has already asked for a graceful recycle, so the policy does not ask again.</summary>
    bool RecycleRequested { get; set; }

    /// <summary>Time since the last ready or heartbeat message (or since launch).</summary>
    TimeSpan SilentFor { get; }

    TimeSpan Uptime { get; }

    /// <summary>The last lines the process wrote, to explain a failed start.</summary>
    IReadOnlyCollection<string> OutputTail { get; }

    /// <summary>
    /// Graceful stop: no new connections, drain, then SIGKILL at the deadline; <paramref name="state"/> is what it shows
    /// meanwhile (Draining, or Stopping at shutdown). Completes when the process has exited.
    /// </summary>
    Task<WorkerExit> StopAsync(string reason, TimeSpan deadline, WorkerState state);

    /// <summary>SIGKILL now. <paramref name="expected"/> false means the slot treats the exit as a crash and restarts.</summary>
    void Kill(string reason, bool expected);
}
