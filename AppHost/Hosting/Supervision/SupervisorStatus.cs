namespace ReferenceApp.AppHost.Hosting.Supervision;

/// <summary>The part of a Supervisor's <c>GET /status</c> (CONTRACTS.md section 3) the AppHost reads.</summary>
internal sealed record SupervisorStatus(string? Name, string? Policy, int Port, int DesiredWorkers, IReadOnlyList<SupervisorWorkerStatus> Workers)
{
    public const string ReadyState = "Ready";

    public int ReadyWorkers => Workers.Count(w => w.State == ReadyState);

    /// <summary>PIDs of the workers that have a live process (not exited, failed or backing off).</summary>
    public IReadOnlyList<int> LivePids => Workers
        .Where(w => w.Pid > 0 && w.State is not ("Exited" or "Failed" or "Backoff"))
        .OrderBy(w => w.Index)
        .Select(w => w.Pid)
        .ToArray();
}

/// <summary>One worker in a Supervisor's status.</summary>
internal sealed record SupervisorWorkerStatus(int Index, int Pid, string State);
