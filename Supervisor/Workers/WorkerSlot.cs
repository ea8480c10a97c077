using Microsoft.Extensions.Logging;
using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Policies;
using ReferenceApp.Supervisor.Telemetry;

namespace ReferenceApp.Supervisor.Workers;

/// <summary>
/// One worker slot (index): keeps one process serving. Restarts it after an unexpected exit with backoff, gives up when it
/// crash-loops, replaces it gracefully on request (the replacement is ready before the old one drains), and stops it for
/// good on scale-down or shutdown. Transitions run one at a time under a gate; kills and status reads do not need it.
/// </summary>
internal sealed partial class WorkerSlot : IDisposable
{
    private readonly IWorkerFactory _factory;
    private readonly SupervisorOptions _options;
    private readonly Func<int> _workerCount;
    private readonly SupervisorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly StartTimeoutPolicy _startTimeout;
    private readonly RestartPolicy _restartPolicy;
    private readonly CrashLoopPolicy _crashLoopPolicy;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly HashSet<IWorkerProcess> _alive = [];
    private readonly HashSet<IWorkerProcess> _promoted = [];
    private IWorkerProcess? _current;
    private SlotMode _mode = SlotMode.Active;
    private bool _armed;
    private long _generation;
    private int _launches;
    private int _restarts;
    private WorkerExit? _lastExit;

    /// <param name="restartPolicy">This slot's own: it keeps the slot's backoff.</param>
    /// <param name="crashLoopPolicy">This slot's own: it keeps the slot's recent unstable exits.</param>
    public WorkerSlot(int index, IWorkerFactory factory, SupervisorOptions options, Func<int> workerCount, StartTimeoutPolicy startTimeout,
        RestartPolicy restartPolicy, CrashLoopPolicy crashLoopPolicy, SupervisorMetrics metrics, TimeProvider time, ILogger logger)
    {
        Index = index;
        _factory = factory;
        _options = options;
        _workerCount = workerCount;
        _startTimeout = startTimeout;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _restartPolicy = restartPolicy;
        _crashLoopPolicy = crashLoopPolicy;
    }

    private enum SlotMode
    {
        Active,
        Backoff,
        Failed,
        Retired,
    }

    public int Index { get; }

    /// <summary>The process that serves (or last served) this slot; during a replacement, still the old one until the new one is ready.</summary>
    public IWorkerProcess? Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>Every process of this slot still running: the current one, a replacement starting, an old one draining.</summary>
    public IReadOnlyList<IWorkerProcess> AliveProcesses
    {
        get
        {
            lock (_lock)
            {
                return [.. _alive];
            }
        }
    }

    public WorkerSlotStatus Status()
    {
        lock (_lock)
        {
            var state = _mode switch
            {
                SlotMode.Failed => WorkerState.Failed,
                SlotMode.Backoff => WorkerState.Backoff,
                _ => _current?.State ?? WorkerState.Exited,
            };
            var running = _current is { State: not WorkerState.Exited } current ? current : null;
            return new WorkerSlotStatus(Index, running?.ProcessId, state, running?.StartedAt, _restarts, running?.LastHeartbeat, _lastExit);
        }
    }

    /// <summary>The first launch; restarts stay off until <see cref="Arm"/>, so a broken app fails the Supervisor's start-up instead.</summary>
    public async Task<IWorkerProcess> StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var process = await LaunchAsync();
            Promote(process);
            return process;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>From now on an unexpected exit is restarted.</summary>
    public void Arm()
    {
        lock (_lock)
        {
            _armed = true;
        }
    }

    /// <summary>
    /// Replaces the slot's process gracefully: a new process starts and must report ready before the old one drains. When
    /// nothing serves (backoff, failed, exited), starts a new process at once and resets the crash-loop count (an operator
    /// or a reload is asking to try again). Completes when the old process has exited.
    /// </summary>
    public async Task<ReplaceOutcome> ReplaceAsync(string reason, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        try
        {
            await _gate.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            return ReplaceOutcome.Skipped("the Supervisor is stopping");
        }

        IWorkerProcess? old;
        IWorkerProcess replacement;
        try
        {
            bool nothingServes;
            lock (_lock)
            {
                if (_mode == SlotMode.Retired)
                {
                    return ReplaceOutcome.Skipped("the slot was removed");
                }

                old = _current;
                nothingServes = _mode is SlotMode.Failed or SlotMode.Backoff || old is null || old.State is not (WorkerState.Ready or WorkerState.Starting);
                if (nothingServes)
                {
                    _generation++;
                    _mode = SlotMode.Active;
                    _restartPolicy.Reset();
                    _crashLoopPolicy.Reset();
                }
            }

            replacement = await LaunchAsync();
            if (nothingServes)
            {
                Promote(replacement);
                old?.Kill(reason, expected: true);
                return await WaitReadyAsync(replacement, linked.Token) is { } problem
                    ? ReplaceOutcome.Failed(problem)
                    : ReplaceOutcome.Replaced(replacement.ProcessId);
            }

            if (await WaitReadyAsync(replacement, linked.Token) is { } failure)
            {
                replacement.Kill($"replacement for {reason} failed: {failure}", expected: true);
                Log.ReplacementFailed(_logger, replacement.InstanceName, reason, failure);
                return ReplaceOutcome.Failed(failure);
            }

            Promote(replacement);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.LaunchFailed(_logger, Index, exception);
            return ReplaceOutcome.Failed(exception.Message);
        }
        finally
        {
            _gate.Release();
        }

        if (old is not null)
        {
            Log.Replaced(_logger, replacement.InstanceName, old.ProcessId, replacement.ProcessId, reason);
            await old.StopAsync(reason, _options.DrainTimeout, WorkerState.Draining);
        }

        return ReplaceOutcome.Replaced(replacement.ProcessId);
    }

    /// <summary>A graceful replacement asked by a policy (memory limit); at most once per process.</summary>
    public void Recycle(IWorkerProcess process, string reason)
    {
        lock (_lock)
        {
            if (process != _current || process.RecycleRequested || _mode != SlotMode.Active)
            {
                return;
            }

            process.RecycleRequested = true;
        }

        _metrics.Recycled(reason);
        _ = ReplaceAsync(reason, CancellationToken.None);
    }

    /// <summary>SIGKILL the serving process; the slot then restarts it like any crash. Null when nothing runs.</summary>
    public int? Kill(string reason)
    {
        var process = Current;
        if (process is null || process.State == WorkerState.Exited)
        {
            return null;
        }

        process.Kill(reason, expected: false);
        return process.ProcessId;
    }

    /// <summary>Stops the slot for good: no more restarts; every process drains (or, at shutdown, stops) within the deadline.</summary>
    public async Task RetireAsync(string reason, WorkerState state)
    {
        await _stopping.CancelAsync();
        // Taking the gate once waits out a launch in progress; after that no transition can start a process.
        await _gate.WaitAsync();
        try
        {
            lock (_lock)
            {
                _mode = SlotMode.Retired;
                _generation++;
            }
        }
        finally
        {
            _gate.Release();
        }

        await Task.WhenAll(AliveProcesses.Select(process => process.StopAsync(reason, _options.DrainTimeout, state)));
    }

    public void Dispose()
    {
        _gate.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Null when the process reported ready; else why not (it exited, or was killed by the start timeout).</summary>
    private static async Task<string?> WaitReadyAsync(IWorkerProcess process, CancellationToken cancellationToken)
    {
        try
        {
            var first = await Task.WhenAny(process.Ready, process.Exited).WaitAsync(cancellationToken);
            return first == process.Ready ? null : $"it exited ({(await process.Exited).Reason}) before it was ready";
        }
        catch (OperationCanceledException)
        {
            return "the Supervisor is stopping";
        }
    }

    /// <summary>The start timeout, for every launch of this slot: a process not ready in time is killed as a crash.</summary>
    private async Task EnforceStartTimeoutAsync(IWorkerProcess process)
    {
        try
        {
            await Task.WhenAny(process.Ready, process.Exited).WaitAsync(_startTimeout.Timeout, _time);
        }
        catch (TimeoutException) when (!process.Ready.IsCompleted)
        {
            process.Kill(_startTimeout.Reason, expected: false);
        }
        catch (TimeoutException)
        {
            // Ready just as the deadline passed (its completion was still on its way to this wait): nothing to enforce.
        }
    }

    /// <summary>Starts a process for this slot; call under the gate.</summary>
    private async Task<IWorkerProcess> LaunchAsync()
    {
        var process = await _factory.StartAsync(Index, _workerCount());
        lock (_lock)
        {
            _alive.Add(process);
            if (_launches++ > 0)
            {
                _restarts++;
            }
        }

        _ = EnforceStartTimeoutAsync(process);
        _ = WatchAsync(process);
        return process;
    }

    private void Promote(IWorkerProcess process)
    {
        lock (_lock)
        {
            _current = process;
            _promoted.Add(process);
        }
    }

    private async Task WatchAsync(IWorkerProcess process)
    {
        var exit = await process.Exited;
        TimeSpan? restartDelay = null;
        long generation;
        lock (_lock)
        {
            _alive.Remove(process);
            if (_promoted.Remove(process))
            {
                _lastExit = exit;
            }

            if (process != _current || process.StopRequested || _mode != SlotMode.Active || !_armed)
            {
                return;
            }

            var uptime = exit.At - process.StartedAt;
            if (_crashLoopPolicy.RecordExit(uptime, exit.At))
            {
                _mode = SlotMode.Failed;
                _metrics.CrashLooped();
                Log.CrashLoop(_logger, process.InstanceName, _crashLoopPolicy.UnstableExits, _options.CrashLoop.Window.TotalSeconds, exit.Reason);
                return;
            }

            restartDelay = _restartPolicy.NextDelay(uptime);
            _mode = SlotMode.Backoff;
            generation = ++_generation;
        }

        _metrics.Restarted(exit.Signal is null ? "exit" : "signal");
        Log.RestartScheduled(_logger, process.InstanceName, exit.Reason, restartDelay.Value.TotalMilliseconds);
        await RestartAfterAsync(restartDelay.Value, generation);
    }

    private async Task RestartAfterAsync(TimeSpan delay, long generation)
    {
        try
        {
            await Task.Delay(delay, _time, _stopping.Token);
            await _gate.WaitAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            lock (_lock)
            {
                // Something else (an operator's restart, a reload, a scale-down) took over the slot meanwhile.
                if (_generation != generation || _mode != SlotMode.Backoff)
                {
                    return;
                }

                _mode = SlotMode.Active;
            }

            Promote(await LaunchAsync());
        }
#pragma warning disable CA1031 // a launch that cannot even start (dotnet gone, file deleted) fails the slot rather than the Supervisor
        catch (Exception exception)
#pragma warning restore CA1031
        {
            lock (_lock)
            {
                _mode = SlotMode.Failed;
            }

            Log.LaunchFailed(_logger, Index, exception);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.WorkerRestartScheduled, EventName = nameof(EventIds.WorkerRestartScheduled), Level = LogLevel.Warning,
            Message = "Worker {Instance} exited unexpectedly ({Reason}): restarting in {DelayMs:F0} ms")]
        public static partial void RestartScheduled(ILogger logger, string instance, string reason, double delayMs);

        [LoggerMessage(EventId = EventIds.WorkerCrashLoop, EventName = nameof(EventIds.WorkerCrashLoop), Level = LogLevel.Error,
            Message = "Worker {Instance} is crash-looping ({Exits} unstable exits within {WindowSeconds:F0} s, last: {Reason}): slot marked Failed and no longer restarted; POST /workers/{{index}}/restart or /reload to try again")]
        public static partial void CrashLoop(ILogger logger, string instance, int exits, double windowSeconds, string reason);

        [LoggerMessage(EventId = EventIds.WorkerReplaced, EventName = nameof(EventIds.WorkerReplaced), Level = LogLevel.Information,
            Message = "Worker {Instance}: pid {NewPid} is ready and replaces pid {OldPid} ({Reason})")]
        public static partial void Replaced(ILogger logger, string instance, int oldPid, int newPid, string reason);

        [LoggerMessage(EventId = EventIds.WorkerReplacementFailed, EventName = nameof(EventIds.WorkerReplacementFailed), Level = LogLevel.Error,
            Message = "Worker {Instance}: the replacement ({Reason}) failed, the old process keeps serving: {Problem}")]
        public static partial void ReplacementFailed(ILogger logger, string instance, string reason, string problem);

        [LoggerMessage(EventId = EventIds.WorkerLaunchFailed, EventName = nameof(EventIds.WorkerLaunchFailed), Level = LogLevel.Error,
            Message = "Worker slot {Index}: the process could not be started")]
        public static partial void LaunchFailed(ILogger logger, int index, Exception exception);
    }
}

/// <summary>A slot as the control API shows it.</summary>
internal sealed record WorkerSlotStatus(int Index, int? ProcessId, WorkerState State, DateTimeOffset? StartedAt, int Restarts,
    WorkerHeartbeat? Heartbeat, WorkerExit? LastExit);

/// <summary>What a graceful replacement came to.</summary>
internal sealed record ReplaceOutcome(ReplaceResult Result, int? ProcessId, string? Problem)
{
    public bool Succeeded => Result == ReplaceResult.Replaced;

    public static ReplaceOutcome Replaced(int processId) => new(ReplaceResult.Replaced, processId, null);

    public static ReplaceOutcome Failed(string problem) => new(ReplaceResult.Failed, null, problem);

    public static ReplaceOutcome Skipped(string why) => new(ReplaceResult.Skipped, null, why);
}

/// <summary>Replaced: a new process serves. Failed: the replacement did not get ready. Skipped: the slot is going away.</summary>
internal enum ReplaceResult
{
    Replaced,
    Failed,
    Skipped,
}
