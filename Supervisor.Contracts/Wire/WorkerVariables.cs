namespace ReferenceApp.Supervisor.Contracts.Wire;

/// <summary>
/// The environment a Supervisor starts each worker with: the one list of these names, read by the worker library and
/// written by the Supervisor. Every name but the worker's index and count starts with <see cref="SupervisorPrefix"/>, which
/// a Supervisor strips from what it inherits so one Supervisor's settings never reach another's workers.
/// </summary>
public static class WorkerVariables
{
    public const string SupervisorPrefix = "SUPERVISOR_";

    /// <summary>How the worker receives connections: <c>handoff://&lt;socket path&gt;</c> or <c>reuseport://&lt;port&gt;</c>.</summary>
    public const string Listen = "SUPERVISOR_LISTEN";

    /// <summary>The Unix socket of the worker's channel to its Supervisor (ready, heartbeats, drain, stop).</summary>
    public const string Channel = "SUPERVISOR_CHANNEL";

    /// <summary>The per-worker secret (hex) the worker presents first, on the channel and on the handoff socket.</summary>
    public const string ChannelSecret = "SUPERVISOR_CHANNEL_SECRET";

    /// <summary>Set only under sticky balancing: the opaque affinity id this worker puts in its affinity cookie.</summary>
    public const string AffinityId = "SUPERVISOR_AFFINITY_ID";

    /// <summary>Under sticky balancing: the private Unix socket on which this worker takes requests forwarded by its peers.</summary>
    public const string ForwardListen = "SUPERVISOR_FORWARD_LISTEN";

    /// <summary>The secret a peer presents with every forwarded request.</summary>
    public const string ForwardSecret = "SUPERVISOR_FORWARD_SECRET";

    /// <summary>The worker's 0-based slot.</summary>
    public const string WorkerIndex = "WORKER_INDEX";

    /// <summary>How many workers the Supervisor runs.</summary>
    public const string WorkerCount = "WORKER_COUNT";

    /// <summary>
    /// <c>1</c>: stop when standard input reaches end-of-file, that is, when the parent is gone (see
    /// <see cref="Hosting.ParentWatchdog"/>). Set by a parent that keeps the child's stdin open for its own lifetime.
    /// </summary>
    public const string StopOnStdinEof = "REFERENCEAPP_STOP_ON_STDIN_EOF";
}
