using System.Collections.Frozen;

namespace ReferenceApp.Supervisor.Balancing.Handoff;

/// <summary>
/// The workers that may receive connections, as the accept loop sees them: an immutable snapshot replaced whenever a
/// worker comes or goes, so the loop reads it without locks.
/// </summary>
internal sealed class HandoffRoutes
{
    public static readonly HandoffRoutes Empty = new([]);

    public HandoffRoutes(IReadOnlyList<HandoffWorker> workers)
    {
        Workers = [.. workers.OrderBy(worker => worker.Worker.Index).ThenBy(worker => worker.Worker.LaunchId)];
        ByAffinity = workers
            .Where(worker => worker.AffinityId is not null)
            .ToFrozenDictionary(worker => worker.AffinityId!, StringComparer.Ordinal);
    }

    public HandoffWorker[] Workers { get; }

    public FrozenDictionary<string, HandoffWorker> ByAffinity { get; }

    public bool AnyRoutable => Workers.Any(worker => worker.IsRoutable);
}
