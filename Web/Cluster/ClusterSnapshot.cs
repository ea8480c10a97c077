using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Web.Cluster;

/// <summary>Everything the Overview and Cluster pages show, as of one poll.</summary>
public sealed record ClusterSnapshot(
    DateTimeOffset? At,
    IReadOnlyList<SupervisedService> Services,
    RedisState Redis,
    IReadOnlyList<ClusterEvent> Events)
{
    public static ClusterSnapshot Empty { get; } = new(null, [], new RedisState(RedisHealth.Unknown, "Not checked yet"), []);

    public bool IsLoaded => At is not null;

    public SupervisedService? Service(string name) =>
        Services.FirstOrDefault(service => string.Equals(service.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A supervised service: its Supervisor's status, or why it could not be read.</summary>
public sealed record SupervisedService(string Name, SupervisorStatus? Status, string? Error);

/// <summary>Something that changed between two polls, for the timeline: a worker replaced, a state change, a scale.</summary>
public sealed record ClusterEvent(DateTimeOffset At, string Service, int? WorkerIndex, ClusterEventKind Kind, string Text);

public enum ClusterEventKind
{
    StateChanged,
    Respawned,
    WorkerAdded,
    WorkerRemoved,
    SupervisorUnreachable,
    SupervisorReachable,
    Command,
}
