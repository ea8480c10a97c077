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

/// <summary>
/// The one start-timeout rule: a process that has not reported ready within StartTimeout of its launch is killed as a crash.
/// Its slot applies it to every launch (the first start, a restart, a replacement), and whoever waits for readiness sees
/// the exit with this reason. The first start then fails, a restart backs off, a replacement is dropped.
/// </summary>
internal sealed class StartTimeoutPolicy(TimeSpan startTimeout)
{
    public TimeSpan Timeout => startTimeout;

    public string Reason =>
        $"not ready within {startTimeout.TotalSeconds:0.#} s (is it an ASP.NET Core app that calls builder.AddSupervision() and app.UseSupervision()?)";
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
