using System.Globalization;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Web.Cluster;

/// <summary>Turns two consecutive snapshots into the events a person should notice: a worker killed and respawned, a scale, an outage.</summary>
public static class ClusterTimeline
{
    public const int Capacity = 100;

    /// <summary>
    /// What changed from <paramref name="before"/> to <paramref name="after"/>. <paramref name="lastKnownPid"/> remembers a
    /// slot's process across polls that saw it without one (Exited, Backoff), so a kill and its respawn still read as
    /// "pid A → pid B" however many polls the gap lasted.
    /// </summary>
    public static IEnumerable<ClusterEvent> Diff(SupervisedService? before, SupervisedService after, DateTimeOffset at, Func<int, int?>? lastKnownPid = null)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (before is null)
        {
            yield break;
        }

        var name = after.Name;
        if (before.Status is not null && after.Status is null)
        {
            yield return new ClusterEvent(at, name, null, ClusterEventKind.SupervisorUnreachable, $"{name} Supervisor unreachable: {after.Error}");
            yield break;
        }

        if (before.Status is null && after.Status is not null)
        {
            yield return new ClusterEvent(at, name, null, ClusterEventKind.SupervisorReachable, $"{name} Supervisor reachable again");
            yield break;
        }

        if (before.Status is null || after.Status is null)
        {
            yield break;
        }

        var old = before.Status.Workers.ToDictionary(worker => worker.Index);
        foreach (var worker in after.Status.Workers.OrderBy(worker => worker.Index))
        {
            if (!old.Remove(worker.Index, out var previous))
            {
                yield return new ClusterEvent(at, name, worker.Index, ClusterEventKind.WorkerAdded,
                    $"{Worker(name, worker.Index)} added ({worker.State}{Pid(worker.Pid)})");
                continue;
            }

            if (worker.Pid is { } pid && (previous.Pid ?? lastKnownPid?.Invoke(worker.Index)) is { } previousPid && pid != previousPid)
            {
                yield return new ClusterEvent(at, name, worker.Index, ClusterEventKind.Respawned,
                    $"{Worker(name, worker.Index)} respawned: pid {Invariant(previousPid)} → {Invariant(pid)} ({worker.State}, restarts {Invariant(worker.Restarts)})");
            }
            else if (worker.State != previous.State)
            {
                var exit = worker.LastExit is { } lastExit && lastExit != previous.LastExit ? $" ({Describe(lastExit)})" : string.Empty;
                yield return new ClusterEvent(at, name, worker.Index, ClusterEventKind.StateChanged,
                    $"{Worker(name, worker.Index)}{Pid(worker.Pid ?? previous.Pid)}: {previous.State} → {worker.State}{exit}");
            }
        }

        foreach (var removed in old.Values.OrderBy(worker => worker.Index))
        {
            yield return new ClusterEvent(at, name, removed.Index, ClusterEventKind.WorkerRemoved,
                $"{Worker(name, removed.Index)}{Pid(removed.Pid)} removed");
        }
    }

    /// <summary>The newest events first, at most <see cref="Capacity"/>.</summary>
    public static IReadOnlyList<ClusterEvent> Append(IReadOnlyList<ClusterEvent> events, IEnumerable<ClusterEvent> newer) =>
        [.. newer.Reverse().Concat(events).Take(Capacity)];

    public static string Describe(WorkerExit exit)
    {
        var parts = new List<string>();
        if (exit.Signal is { } signal)
        {
            parts.Add($"signal {SignalName(signal)}");
        }
        else if (exit.Code is { } code)
        {
            parts.Add($"exit code {Invariant(code)}");
        }

        if (!string.IsNullOrWhiteSpace(exit.Reason))
        {
            parts.Add(exit.Reason);
        }

        return parts.Count == 0 ? "exited" : string.Join(", ", parts);
    }

    private static string SignalName(int signal) => signal switch
    {
        2 => "SIGINT",
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        _ => Invariant(signal),
    };

    private static string Worker(string service, int index) => $"{service}-{Invariant(index)}";

    private static string Pid(int? pid) => pid is { } value ? $" pid {Invariant(value)}" : string.Empty;

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
