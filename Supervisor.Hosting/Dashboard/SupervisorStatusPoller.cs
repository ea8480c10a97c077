using System.Globalization;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Hosting.Dashboard;

/// <summary>
/// Keeps a supervised resource's worker rows current: while the Supervisor runs, reads its <c>GET /status</c> every
/// <see cref="Interval"/> and publishes each slot's state, PID, restarts and memory (only what changed); forwards each
/// worker's console lines, which the Supervisor prints as <c>[api-0 pid=N] ...</c>, to that worker's own console log.
/// </summary>
internal sealed partial class SupervisorStatusPoller(
    SupervisedProjectResource supervised,
    ResourceNotificationService notifications,
    ResourceLoggerService resourceLoggers,
    SupervisorControlClient client,
    ILogger<SupervisorStatusPoller> logger)
{
    /// <summary>Half the dashboard's "within about a second": a change shows within 0.5 s plus one publish.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(2);

    // What the Supervisor's row last got, so an unchanged summary is not published every tick.
    private string[] _summary = [];

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await PublishAllAsync((slot, snapshot) => WorkerSnapshots.Waiting(snapshot, slot.Index < supervised.Workers.Resolve()));
            while (!stopping.IsCancellationRequested)
            {
                var running = await notifications.WaitForResourceAsync(supervised.Name, IsRunning, stopping);
                using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                var forwarding = ForwardWorkerLinesAsync(running.ResourceId, running.Snapshot.StartTimeStamp, runCancellation.Token);
                await PollWhileRunningAsync(running.ResourceId, stopping);
                await runCancellation.CancelAsync();
                await forwarding;
                await PublishAllAsync((_, snapshot) => WorkerSnapshots.SupervisorGone(snapshot));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
#pragma warning disable CA1031 // the rows stop updating, but the AppHost and the Supervisor keep running
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.PollerFailed(logger, supervised.Name, exception);
        }
    }

    private async Task PollWhileRunningAsync(string resourceId, CancellationToken stopping)
    {
        var endpoint = await supervised.GetControlEndpointAsync(stopping);
        _summary = []; // a restarted Supervisor's row starts without it
        using var timer = new PeriodicTimer(Interval);
        do
        {
            if (!notifications.TryGetCurrentState(supervised.Name, out var current) || !IsRunning(current))
            {
                return;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(StatusTimeout);
            try
            {
                var status = await client.GetStatusAsync(endpoint, timeout.Token);
                var workers = status.Workers.ToDictionary(worker => worker.Index);
                await PublishAllAsync((slot, snapshot) => WorkerSnapshots.From(snapshot, workers.GetValueOrDefault(slot.Index)));
                await PublishSummaryAsync(resourceId, status);
            }
            catch (SupervisorControlException)
            {
                // Still starting, or stopping: the next tick tells.
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                // No answer within the timeout: ask again.
            }
        }
        while (await timer.WaitForNextTickAsync(stopping));
    }

    /// <summary>
    /// The Supervisor's own row: how many workers are ready, its policy and its last reload, as properties beside DCP's. It is
    /// published to the DCP resource's id (a resource name alone would add a second row).
    /// </summary>
    private async Task PublishSummaryAsync(string resourceId, SupervisorStatus status)
    {
        var summary = WorkerSnapshots.Summary(status);
        string[] shown = [.. summary.Select(property => $"{property.Name}={property.Value}")];
        if (shown.SequenceEqual(_summary))
        {
            return;
        }

        _summary = shown;
        await notifications.PublishUpdateAsync(supervised, resourceId, snapshot => snapshot with { Properties = WorkerSnapshots.Upsert(snapshot.Properties, summary) });
    }

    /// <summary>Applies <paramref name="update"/> to every slot and publishes the rows that change.</summary>
    private async Task PublishAllAsync(Func<SupervisedWorkerResource, CustomResourceSnapshot, CustomResourceSnapshot> update)
    {
        foreach (var slot in supervised.Slots)
        {
            if (notifications.TryGetCurrentState(slot.Name, out var current)
                && WorkerSnapshots.Shows(current.Snapshot) == WorkerSnapshots.Shows(update(slot, current.Snapshot)))
            {
                continue;
            }

            await notifications.PublishUpdateAsync(slot, snapshot => update(slot, snapshot));
        }
    }

    /// <summary>
    /// Forwards this run's worker lines. The Supervisor's log is replayed from its start on every watch, so after a restart
    /// of the Supervisor the lines DCP stamped before <paramref name="since"/> belong to an earlier run and are skipped.
    /// </summary>
    private async Task ForwardWorkerLinesAsync(string supervisorResourceId, DateTime? since, CancellationToken cancellationToken)
    {
        var loggers = supervised.Slots.ToDictionary(slot => slot.Name, resourceLoggers.GetLogger, StringComparer.Ordinal);
        try
        {
            await foreach (var lines in resourceLoggers.WatchAsync(supervisorResourceId).WithCancellation(cancellationToken))
            {
                foreach (var line in lines)
                {
                    if (WorkerLine().Match(line.Content) is { Success: true } match
                        && loggers.TryGetValue(match.Groups["worker"].Value, out var workerLogger)
                        && !(since is { } start && DateTime.TryParse(match.Groups["stamp"].Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var stamped) && stamped < start))
                    {
                        if (line.IsErrorMessage)
                        {
                            Log.WorkerErrorLine(workerLogger, match.Groups["text"].Value);
                        }
                        else
                        {
                            Log.WorkerLine(workerLogger, match.Groups["text"].Value);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The Supervisor stopped, or the AppHost is stopping.
        }
    }

    private static bool IsRunning(ResourceEvent resourceEvent) => resourceEvent.Snapshot.State?.Text == KnownResourceStates.Running;

    // DCP's timestamp, if any, then the Supervisor's prefix for a worker's line (WorkerProcess.Echo).
    [GeneratedRegex(@"^(?<stamp>\d{4}-\d\d-\d\dT[\d:.]+Z)?\s*\[(?<worker>[^\s\]]+) pid=\d+\] (?<text>.*)$")]
    private static partial Regex WorkerLine();

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SupervisorStatusPollerFailed, EventName = nameof(EventIds.SupervisorStatusPollerFailed), Level = LogLevel.Error,
            Message = "The worker rows of {Resource} stopped updating")]
        public static partial void PollerFailed(ILogger logger, string resource, Exception exception);

        [LoggerMessage(EventId = EventIds.WorkerOutput, EventName = nameof(EventIds.WorkerOutput), Level = LogLevel.Information, Message = "{Line}")]
        public static partial void WorkerLine(ILogger logger, string line);

        [LoggerMessage(EventId = EventIds.WorkerErrorOutput, EventName = nameof(EventIds.WorkerErrorOutput), Level = LogLevel.Error, Message = "{Line}")]
        public static partial void WorkerErrorLine(ILogger logger, string line);
    }
}
