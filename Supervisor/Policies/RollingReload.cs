using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Telemetry;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Policies;

/// <summary>
/// Rolling reload: one slot at a time, a new process (the app as it is on disk now) starts and reports ready, then the old
/// one drains. Capacity never drops below N ready workers. The first replacement that fails stops the reload; the old
/// processes of the remaining slots keep serving.
/// </summary>
internal sealed partial class RollingReload(WorkerPool pool, SupervisorMetrics metrics, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<RollingReload> logger)
{
    private readonly Lock _lock = new();
    private ReloadStatus? _last;
    private bool _running;

    /// <summary>The running or the last reload, null before the first.</summary>
    public ReloadStatus? Last
    {
        get
        {
            lock (_lock)
            {
                return _last;
            }
        }
    }

    /// <summary>Starts a reload in the background; false (with the running one) when a reload is already running.</summary>
    public bool TryStart(string trigger, out ReloadStatus status)
    {
        lock (_lock)
        {
            if (_running)
            {
                status = _last!;
                return false;
            }

            _running = true;
            status = _last = new ReloadStatus(ReloadState.Running, trigger, time.GetUtcNow(), null, 0, null);
        }

        Log.Started(logger, trigger, pool.DesiredWorkers);
        _ = RunAsync(status);
        return true;
    }

    private async Task RunAsync(ReloadStatus status)
    {
        try
        {
            await pool.RunExclusiveAsync(async cancellationToken =>
            {
                foreach (var slot in pool.Slots.OrderBy(slot => slot.Index))
                {
                    var outcome = await slot.ReplaceAsync("reload", cancellationToken);
                    if (outcome.Result == ReplaceResult.Failed)
                    {
                        status = Update(status with { State = ReloadState.Failed, CompletedAt = time.GetUtcNow(), Error = $"worker {slot.Index}: {outcome.Problem}" });
                        return;
                    }

                    if (outcome.Succeeded)
                    {
                        status = Update(status with { Replaced = status.Replaced + 1 });
                    }
                }

                status = cancellationToken.IsCancellationRequested
                    ? Update(status with { State = ReloadState.Failed, CompletedAt = time.GetUtcNow(), Error = "the Supervisor is stopping" })
                    : Update(status with { State = ReloadState.Completed, CompletedAt = time.GetUtcNow() });
            }, lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
            status = Update(status with { State = ReloadState.Failed, CompletedAt = time.GetUtcNow(), Error = "the Supervisor is stopping" });
        }
        finally
        {
            lock (_lock)
            {
                _running = false;
            }

            metrics.Reloaded(status.State.ToString());
            Log.Finished(logger, status.State, status.Replaced, status.Error ?? "none");
        }
    }

    private ReloadStatus Update(ReloadStatus status)
    {
        lock (_lock)
        {
            _last = status;
        }

        return status;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ReloadStarted, EventName = nameof(EventIds.ReloadStarted), Level = LogLevel.Information,
            Message = "Rolling reload ({Trigger}) of {Workers} workers started")]
        public static partial void Started(ILogger logger, string trigger, int workers);

        [LoggerMessage(EventId = EventIds.ReloadFinished, EventName = nameof(EventIds.ReloadFinished), Level = LogLevel.Information,
            Message = "Rolling reload {State}: {Replaced} workers replaced; problem: {Problem}")]
        public static partial void Finished(ILogger logger, ReloadState state, int replaced, string problem);
    }
}
