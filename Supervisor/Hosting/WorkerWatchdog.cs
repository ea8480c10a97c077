using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Policies;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Hosting;

/// <summary>Applies the per-process policies on a short tick: start timeout, heartbeat timeout (hung), memory limit.</summary>
internal sealed partial class WorkerWatchdog(WorkerPool pool, IOptions<SupervisorOptions> options, TimeProvider time, ILogger<WorkerWatchdog> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var heartbeat = new HeartbeatPolicy(settings.Heartbeat);
        var startTimeout = new StartTimeoutPolicy(settings.StartTimeout);
        var memory = new MemoryPolicy(settings.MemoryLimitMb);

        // Half the heartbeat interval, bounded: a hung worker is noticed soon after its timeout, at little cost.
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(settings.Heartbeat.Interval.TotalMilliseconds / 2, 50, 1000));
        using var timer = new PeriodicTimer(tick, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            foreach (var slot in pool.Slots)
            {
                foreach (var process in slot.AliveProcesses)
                {
                    if (heartbeat.IsHung(process))
                    {
                        process.Kill(heartbeat.Reason, expected: false);
                    }
                    else if (startTimeout.IsStuck(process))
                    {
                        process.Kill(startTimeout.Reason, expected: false);
                    }
                    else if (memory.IsOverLimit(process))
                    {
                        Log.OverMemoryLimit(logger, process.InstanceName, process.ProcessId, process.LastHeartbeat!.RssBytes / (1024 * 1024), settings.MemoryLimitMb);
                        slot.Recycle(process, memory.Reason);
                    }
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 60, EventName = "WorkerOverMemoryLimit", Level = LogLevel.Warning,
            Message = "Worker {Instance} pid {Pid} uses {RssMb} MiB, above the {LimitMb} MiB limit: recycling it gracefully")]
        public static partial void OverMemoryLimit(ILogger logger, string instance, int pid, long rssMb, int limitMb);
    }
}
