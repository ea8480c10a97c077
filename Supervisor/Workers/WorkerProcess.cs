using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Balancing;
using ReferenceApp.Supervisor.Balancing.Sticky;
using ReferenceApp.Supervisor.Channel;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Interop;

namespace ReferenceApp.Supervisor.Workers;

/// <summary>
/// One launched worker process: its channel, its state, its last heartbeat, and how it ended. A slot owns one at a time,
/// two for a moment during a graceful replacement.
/// </summary>
internal sealed partial class WorkerProcess : IWorkerProcess
{
    private const int OutputTailLines = 30;

    private readonly Process _process;
    private readonly WorkerChannel _channel;
    private readonly IBalancingPolicy _balancer;
    private IDisposable? _peersSubscription;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _launched = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<WorkerExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _outputTail = new();
    private readonly Lock _stateLock = new();
    private WorkerState _state = WorkerState.Starting;
    private string? _exitReason;
    private bool _stopRequested;
    private bool _leftBalancer;
    private long _lastSignOfLife;
    private WorkerHeartbeat? _heartbeat;

    private WorkerProcess(Process process, WorkerChannel channel, WorkerIdentityPlan identity, long launchId,
        IBalancingPolicy balancer, TimeProvider time, ILogger logger)
    {
        _process = process;
        _channel = channel;
        _balancer = balancer;
        _time = time;
        _logger = logger;
        Index = identity.Index;
        InstanceName = identity.InstanceName;
        LaunchId = launchId;
    }

    public int Index { get; }

    public long LaunchId { get; }

    public string InstanceName { get; }

    public int ProcessId { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public WorkerState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    public WorkerHeartbeat? LastHeartbeat => Volatile.Read(ref _heartbeat);

    public Task Ready => _ready.Task;

    public Task<WorkerExit> Exited => _exited.Task;

    public bool StopRequested
    {
        get
        {
            lock (_stateLock)
            {
                return _stopRequested;
            }
        }
    }

    public bool RecycleRequested { get; set; }

    public TimeSpan SilentFor => _time.GetElapsedTime(Interlocked.Read(ref _lastSignOfLife));

    public TimeSpan Uptime => _time.GetUtcNow() - StartedAt;

    public IReadOnlyCollection<string> OutputTail => _outputTail.ToArray();

    public BalancedWorker AsBalanced() => new(Index, LaunchId, InstanceName, ProcessId);

    /// <summary>Launches the process with its channel listening; returns once the process runs (not once it is ready).</summary>
    public static async Task<WorkerProcess> StartAsync(WorkerStartPlan plan, WorkerLauncher launcher, IBalancingPolicy balancer,
        ForwardingDirectory peers, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var channel = WorkerChannel.Create(plan.RuntimeDirectory, plan.LaunchId, plan.HeartbeatInterval, logger);
        var startInfo = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            // Never written to: the pipe closes when the Supervisor dies, however it dies, and the worker's ParentWatchdog stops it.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = plan.App.WorkingDirectory,
        };
        startInfo.ArgumentList.Add("exec");
        startInfo.ArgumentList.Add(plan.App.AssemblyPath);
        foreach (var argument in plan.AppArguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        WorkerEnvironment.Apply(startInfo.Environment, plan.Identity, new WorkerChannelPlan(channel.SocketPath, channel.Secret), plan.DrainTimeout);
        var worker = new WorkerProcess(new Process { StartInfo = startInfo, EnableRaisingEvents = true }, channel, plan.Identity, plan.LaunchId, balancer, time, logger);
        balancer.ConfigureWorker(worker.AsBalanced(), startInfo.Environment);

        worker._process.OutputDataReceived += (_, e) => worker.Echo(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.Echo(e.Data);
        worker._process.Exited += (_, _) => _ = worker.OnExitedAsync();
        try
        {
            await launcher.StartAsync(worker._process);
        }
        catch
        {
            await channel.DisposeAsync();
            worker._process.Dispose();
            throw;
        }

        worker.ProcessId = worker._process.Id;
        worker.StartedAt = time.GetUtcNow();
        Interlocked.Exchange(ref worker._lastSignOfLife, time.GetTimestamp());
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        // Before the channel starts: the worker's own ready announcement must reach it too.
        worker._peersSubscription = peers.Subscribe(worker.LaunchId, message => channel.SendAsync(message, CancellationToken.None));
        channel.Start(worker.ProcessId, worker.OnReady, worker.OnHeartbeat);
        Log.Started(logger, worker.InstanceName, worker.ProcessId, worker.LaunchId);
        // A process that dies at once may raise Exited before this point; its handling waits for the launch to be complete.
        worker._launched.TrySetResult();
        return worker;
    }

    /// <summary>Sends <c>drain</c> on the channel (SIGTERM without one), then SIGKILL at the deadline.</summary>
    public async Task<WorkerExit> StopAsync(string reason, TimeSpan deadline, WorkerState state)
    {
        if (!MarkStopping(reason, state))
        {
            return await Exited;
        }

        LeaveBalancer();
        // The worker gets slightly less than the deadline for its requests, so it can exit by itself before the SIGKILL.
        var workerDeadline = deadline - TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, deadline.Ticks / 4));
        var sent = await _channel.SendAsync(
            new ChannelMessage { Type = ChannelMessage.Drain, DeadlineMs = (int)workerDeadline.TotalMilliseconds }, CancellationToken.None);
        if (!sent)
        {
            Signals.Send(ProcessId, Signals.SIGTERM);
        }

        try
        {
            return await Exited.WaitAsync(deadline, _time);
        }
        catch (TimeoutException)
        {
            Log.DrainTimedOut(_logger, InstanceName, ProcessId, deadline.TotalSeconds);
            Signals.Send(ProcessId, Signals.SIGKILL);
            return await Exited;
        }
    }

    public void Kill(string reason, bool expected)
    {
        lock (_stateLock)
        {
            if (_state == WorkerState.Exited)
            {
                return;
            }

            _exitReason ??= reason;
            _stopRequested |= expected;
            _state = WorkerState.Stopping;
        }

        LeaveBalancer();
        Log.Killing(_logger, InstanceName, ProcessId, reason);
        Signals.Send(ProcessId, Signals.SIGKILL);
    }

    private bool MarkStopping(string reason, WorkerState state)
    {
        lock (_stateLock)
        {
            if (_state is WorkerState.Exited)
            {
                return false;
            }

            _exitReason ??= reason;
            _stopRequested = true;
            if (_state is not WorkerState.Stopping)
            {
                _state = state;
            }

            return true;
        }
    }

    private void OnReady()
    {
        lock (_stateLock)
        {
            if (_state != WorkerState.Starting)
            {
                return;
            }

            _state = WorkerState.Ready;
        }

        Interlocked.Exchange(ref _lastSignOfLife, _time.GetTimestamp());
        Log.Ready(_logger, InstanceName, ProcessId, Uptime.TotalMilliseconds);
        _balancer.WorkerReady(AsBalanced());
        _ready.TrySetResult();
    }

    private void OnHeartbeat(WorkerHeartbeat heartbeat)
    {
        Volatile.Write(ref _heartbeat, heartbeat);
        Interlocked.Exchange(ref _lastSignOfLife, _time.GetTimestamp());
    }

    private async Task OnExitedAsync()
    {
        await _launched.Task;
        var code = _process.ExitCode;
        var signal = Signals.FromExitCode(code);
        string reason;
        lock (_stateLock)
        {
            _state = WorkerState.Exited;
            reason = _exitReason ?? (signal is { } s
                ? $"killed by {Signals.Name(s)}"
                : $"exit code {code.ToString(CultureInfo.InvariantCulture)}");
        }

        LeaveBalancer();
        _peersSubscription?.Dispose();
        var exit = new WorkerExit(signal is null ? code : null, signal, _time.GetUtcNow(), reason);
        Log.Exited(_logger, InstanceName, ProcessId, reason);
        await _channel.DisposeAsync();
        _process.Dispose();
        _exited.TrySetResult(exit);
    }

    private void LeaveBalancer()
    {
        lock (_stateLock)
        {
            if (_leftBalancer)
            {
                return;
            }

            _leftBalancer = true;
        }

        _balancer.WorkerLeaving(AsBalanced());
    }

    private void Echo(string? line)
    {
        if (line is null)
        {
            return;
        }

        // One line per line, prefixed, so interleaved output of several workers stays attributable. Supervisor.Hosting reads
        // this prefix to give each worker its own console log in the Aspire dashboard (SupervisorStatusPoller.WorkerLine).
        Console.Out.WriteLine($"[{InstanceName} pid={ProcessId.ToString(CultureInfo.InvariantCulture)}] {line}");
        _outputTail.Enqueue(line);
        while (_outputTail.Count > OutputTailLines && _outputTail.TryDequeue(out _))
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.WorkerStarted, EventName = nameof(EventIds.WorkerStarted), Level = LogLevel.Information,
            Message = "Worker {Instance} started, pid {Pid} (launch {LaunchId})")]
        public static partial void Started(ILogger logger, string instance, int pid, long launchId);

        [LoggerMessage(EventId = EventIds.WorkerReady, EventName = nameof(EventIds.WorkerReady), Level = LogLevel.Information,
            Message = "Worker {Instance} pid {Pid} is ready after {ElapsedMs:F0} ms")]
        public static partial void Ready(ILogger logger, string instance, int pid, double elapsedMs);

        [LoggerMessage(EventId = EventIds.WorkerExited, EventName = nameof(EventIds.WorkerExited), Level = LogLevel.Information,
            Message = "Worker {Instance} pid {Pid} exited: {Reason}")]
        public static partial void Exited(ILogger logger, string instance, int pid, string reason);

        [LoggerMessage(EventId = EventIds.WorkerKilled, EventName = nameof(EventIds.WorkerKilled), Level = LogLevel.Warning,
            Message = "Killing worker {Instance} pid {Pid} with SIGKILL: {Reason}")]
        public static partial void Killing(ILogger logger, string instance, int pid, string reason);

        [LoggerMessage(EventId = EventIds.WorkerDrainTimedOut, EventName = nameof(EventIds.WorkerDrainTimedOut), Level = LogLevel.Warning,
            Message = "Worker {Instance} pid {Pid} did not finish draining within {DeadlineSeconds:F1} s: SIGKILL")]
        public static partial void DrainTimedOut(ILogger logger, string instance, int pid, double deadlineSeconds);
    }
}

/// <summary>Everything needed to launch one worker process.</summary>
internal sealed record WorkerStartPlan(
    WorkerApplication App,
    IReadOnlyList<string> AppArguments,
    WorkerIdentityPlan Identity,
    long LaunchId,
    string RuntimeDirectory,
    TimeSpan HeartbeatInterval,
    TimeSpan DrainTimeout);
