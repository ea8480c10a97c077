using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Policies;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Hosting;

/// <summary>
/// Applies the per-process health policies on a short tick: heartbeat timeout (hung) and memory limit. The start timeout
/// is not here: each slot applies it to its own launches (<see cref="StartTimeoutPolicy"/>).
/// </summary>
internal sealed partial class WorkerWatchdog(
    WorkerPool pool,
    HeartbeatPolicy heartbeat,
    MemoryPolicy memory,
    IOptions<SupervisorOptions> options,
    TimeProvider time,
    ILogger<WorkerWatchdog> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Half the heartbeat interval, bounded: a hung worker is noticed soon after its timeout, at little cost.
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.Heartbeat.Interval.TotalMilliseconds / 2, 50, 1000));
        using var timer = new PeriodicTimer(tick, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            Check();
        }
    }

    /// <summary>One pass over every process of every slot.</summary>
    public void Check()
    {
        foreach (var slot in pool.Slots)
        {
            foreach (var process in slot.AliveProcesses)
            {
                if (heartbeat.IsHung(process))
                {
                    process.Kill(heartbeat.Reason, expected: false);
                }
                else if (memory.IsOverLimit(process))
                {
                    Log.OverMemoryLimit(logger, process.InstanceName, process.ProcessId, process.LastHeartbeat!.RssBytes / (1024 * 1024), options.Value.MemoryLimitMb);
                    slot.Recycle(process, memory.Reason);
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.WorkerOverMemoryLimit, EventName = nameof(EventIds.WorkerOverMemoryLimit), Level = LogLevel.Warning,
            Message = "Worker {Instance} pid {Pid} uses {RssMb} MiB, above the {LimitMb} MiB limit: recycling it gracefully")]
        public static partial void OverMemoryLimit(ILogger logger, string instance, int pid, long rssMb, int limitMb);
    }
}
