using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Policies;

/// <summary>A ready worker that has not sent a heartbeat within Heartbeat:Timeout is hung: killed and replaced.</summary>
internal sealed class HeartbeatPolicy(HeartbeatOptions options)
{
    public bool IsHung(IWorkerProcess process) =>
        process.State == WorkerState.Ready && process.SilentFor > options.Timeout;

    public string Reason => $"no heartbeat for {options.Timeout.TotalSeconds:0.#} s (hung)";
}

/// <summary>A worker that does not report ready within StartTimeout is killed (and, as any crash, restarted with backoff).</summary>
internal sealed class StartTimeoutPolicy(TimeSpan startTimeout)
{
    public bool IsStuck(IWorkerProcess process) =>
        process.State == WorkerState.Starting && process.Uptime > startTimeout;

    public string Reason => $"not ready within {startTimeout.TotalSeconds:0.#} s";
}

/// <summary>A ready worker whose resident memory exceeds MemoryLimitMb is recycled gracefully (replacement first, then drain).</summary>
internal sealed class MemoryPolicy(int limitMb)
{
    private readonly long _limitBytes = limitMb * 1024L * 1024L;

    public bool IsEnabled => _limitBytes > 0;

    public bool IsOverLimit(IWorkerProcess process) =>
        IsEnabled && process.State == WorkerState.Ready && !process.RecycleRequested && process.LastHeartbeat is { } heartbeat && heartbeat.RssBytes > _limitBytes;

    public string Reason => $"memory above {limitMb} MiB";
}
