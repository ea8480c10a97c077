using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Interop;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Tests.Workers;

/// <summary>
/// A worker process that exists only in memory: the test says when it is ready, when it crashes and when a drain finishes.
/// Behaves as <see cref="WorkerProcess"/> does towards its slot: a kill or a stop ends it, an exit completes
/// <see cref="Exited"/> asynchronously, and an exit asked for by the Supervisor is marked as expected.
/// </summary>
internal sealed class FakeWorkerProcess(int index, int processId, TimeProvider time) : IWorkerProcess
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<WorkerExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopAsked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private WorkerState _state = WorkerState.Starting;
    private bool _stopRequested;
    private long _lastSignOfLife = time.GetTimestamp();

    public int Index { get; } = index;

    public int ProcessId { get; } = processId;

    public string InstanceName => $"app-{Index}";

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public WorkerHeartbeat? LastHeartbeat { get; private set; }

    public Task Ready => _ready.Task;

    public Task<WorkerExit> Exited => _exited.Task;

    public bool StopRequested
    {
        get
        {
            lock (_lock)
            {
                return _stopRequested;
            }
        }
    }

    public bool RecycleRequested { get; set; }

    public TimeSpan SilentFor => time.GetElapsedTime(Interlocked.Read(ref _lastSignOfLife));

    public TimeSpan Uptime => time.GetUtcNow() - StartedAt;

    public IReadOnlyCollection<string> OutputTail { get; } = ["fake output"];

    public WorkerState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>When true, a stop leaves the process draining until the test calls <see cref="Exit"/>.</summary>
    public bool HoldsDrain { get; set; }

    /// <summary>Completes when the Supervisor asked the process to drain or stop.</summary>
    public Task StopAsked => _stopAsked.Task;

    public string? StopReason { get; private set; }

    /// <summary>What the process showed while it stopped: Draining or Stopping.</summary>
    public WorkerState? StoppedAs { get; private set; }

    public string? KillReason { get; private set; }

    public bool WasKilled => KillReason is not null;

    public void ReportReady()
    {
        lock (_lock)
        {
            if (_state != WorkerState.Starting)
            {
                return;
            }

            _state = WorkerState.Ready;
        }

        Interlocked.Exchange(ref _lastSignOfLife, time.GetTimestamp());
        _ready.TrySetResult();
    }

    public void Heartbeat(WorkerHeartbeat heartbeat)
    {
        LastHeartbeat = heartbeat;
        Interlocked.Exchange(ref _lastSignOfLife, time.GetTimestamp());
    }

    /// <summary>The process dies on its own (exit code 1): a crash, unless the Supervisor had asked it to go.</summary>
    public void Crash() => Exit(code: 1, signal: null, "exit code 1");

    public Task<WorkerExit> StopAsync(string reason, TimeSpan deadline, WorkerState state)
    {
        lock (_lock)
        {
            if (_state == WorkerState.Exited)
            {
                return Exited;
            }

            _stopRequested = true;
            _state = state;
            StopReason ??= reason;
            StoppedAs ??= state;
        }

        _stopAsked.TrySetResult();
        if (!HoldsDrain)
        {
            Exit(code: 0, signal: null, reason);
        }

        return Exited;
    }

    public void Kill(string reason, bool expected)
    {
        lock (_lock)
        {
            if (_state == WorkerState.Exited)
            {
                return;
            }

            _stopRequested |= expected;
            _state = WorkerState.Stopping;
            KillReason ??= reason;
        }

        Exit(code: null, Signals.SIGKILL, reason);
    }

    /// <summary>Ends the process (a drain that finished, or a death); the first exit wins.</summary>
    public void Exit(int? code, int? signal, string reason)
    {
        lock (_lock)
        {
            if (_state == WorkerState.Exited)
            {
                return;
            }

            _state = WorkerState.Exited;
        }

        _exited.TrySetResult(new WorkerExit(code, signal, time.GetUtcNow(), reason));
    }
}
