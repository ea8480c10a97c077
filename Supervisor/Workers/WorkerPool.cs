using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Policies;
using ReferenceApp.Supervisor.Telemetry;

namespace ReferenceApp.Supervisor.Workers;

/// <summary>
/// The set of worker slots: the initial start, scaling at run time and shutdown. Scaling and rolling reloads change the
/// set one operation at a time (<see cref="RunExclusiveAsync"/>), so they never race each other.
/// </summary>
internal sealed partial class WorkerPool : IDisposable
{
    private readonly IWorkerFactory _factory;
    private readonly SupervisorOptions _options;
    private readonly SupervisorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkerPool> _logger;
    private readonly ILogger<WorkerSlot> _slotLogger;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _operations = new(1, 1);
    private readonly List<WorkerSlot> _slots = [];
    private int _desired;
    private bool _stopping;

    public WorkerPool(IWorkerFactory factory, IOptions<SupervisorOptions> options, SupervisorMetrics metrics, TimeProvider time, ILogger<WorkerPool> logger,
        ILogger<WorkerSlot> slotLogger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _factory = factory;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _slotLogger = slotLogger;
        metrics.ObserveWorkers(
            () => Slots.Sum(slot => slot.AliveProcesses.Count),
            () => Slots.Count(slot => slot.Current?.State == WorkerState.Ready));
    }

    public string ServiceName => _factory.ServiceName;

    public int DesiredWorkers => Volatile.Read(ref _desired);

    public IReadOnlyList<WorkerSlot> Slots
    {
        get
        {
            lock (_lock)
            {
                return [.. _slots];
            }
        }
    }

    public WorkerSlot? Slot(int index) => Slots.FirstOrDefault(slot => slot.Index == index);

    /// <summary>
    /// Starts <paramref name="count"/> workers and waits until each reported ready. Any that exits (or is killed by the start timeout) first fails
    /// the whole start (an app that does not start must fail fast, not restart forever). Returns the problems, none on success.
    /// </summary>
    public async Task<IReadOnlyList<string>> StartAsync(int count, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _desired, count);
        var slots = Enumerable.Range(0, count).Select(NewSlot).ToArray();
        lock (_lock)
        {
            _slots.AddRange(slots);
        }

        var problems = await Task.WhenAll(slots.Select(slot => StartSlotAsync(slot, cancellationToken)));
        var failures = problems.OfType<string>().ToList();
        foreach (var slot in slots)
        {
            slot.Arm();
            // Restarts were off until now: a worker that died after its ready message, while others were still starting,
            // is as much a failed start as one that never got ready.
            if (problems[slot.Index] is null && slot.Current is { State: not WorkerState.Ready } died)
            {
                failures.Add($"Worker {died.InstanceName} (pid {died.ProcessId}) stopped right after it was ready.{Tail(died)}");
            }
        }

        return failures;
    }

    /// <summary>Runs a change of the whole pool (scale, reload) after the previous one finished.</summary>
    public async Task RunExclusiveAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        await _operations.WaitAsync(cancellationToken);
        try
        {
            await operation(cancellationToken);
        }
        finally
        {
            _operations.Release();
        }
    }

    /// <summary>Changes the number of workers: new slots start at once; surplus slots (highest index first) drain and go.</summary>
    public Task ScaleAsync(int workers, CancellationToken cancellationToken) => RunExclusiveAsync(async token =>
    {
        WorkerSlot[] added;
        WorkerSlot[] removed;
        lock (_lock)
        {
            if (_stopping)
            {
                return;
            }

            var before = _slots.Count;
            Volatile.Write(ref _desired, workers);
            added = Enumerable.Range(before, Math.Max(0, workers - before)).Select(NewSlot).ToArray();
            _slots.AddRange(added);
            removed = _slots.Where(slot => slot.Index >= workers).ToArray();
        }

        Log.Scaling(_logger, workers, added.Length, removed.Length);
        foreach (var slot in added)
        {
            slot.Arm();
        }

        // New slots restart like any other if their first process fails; no need to hold the pool until they are ready.
        await Task.WhenAll(added.Select(slot => slot.ReplaceAsync("scaled up", token)));
        await Task.WhenAll(removed.Select(async slot =>
        {
            await slot.RetireAsync("scaled down", WorkerState.Draining);
            lock (_lock)
            {
                _slots.Remove(slot);
            }

            slot.Dispose();
        }));
    }, cancellationToken);

    /// <summary>Shutdown: every process of every slot drains within the deadline, then SIGKILL.</summary>
    public async Task StopAsync()
    {
        WorkerSlot[] slots;
        lock (_lock)
        {
            _stopping = true;
            slots = [.. _slots];
        }

        await Task.WhenAll(slots.Select(slot => slot.RetireAsync("Supervisor shutdown", WorkerState.Stopping)));
    }

    public void Dispose()
    {
        foreach (var slot in Slots)
        {
            slot.Dispose();
        }

        _operations.Dispose();
    }

    // Each slot gets policies of its own: they keep that slot's backoff and its recent unstable exits.
    private WorkerSlot NewSlot(int index) => new(index, _factory, _options, () => DesiredWorkers, new StartTimeoutPolicy(_options.StartTimeout),
        new RestartPolicy(_options.Restart), new CrashLoopPolicy(_options.CrashLoop, _options.Restart.StableAfter), _metrics, _time, _slotLogger);

    private static async Task<string?> StartSlotAsync(WorkerSlot slot, CancellationToken cancellationToken)
    {
        IWorkerProcess process;
        try
        {
            process = await slot.StartAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return $"Worker {slot.Index} could not be started: {exception.Message}";
        }

        // The slot kills a process that overstays the start timeout, so this ends either way.
        var first = await Task.WhenAny(process.Ready, process.Exited).WaitAsync(cancellationToken);
        if (first == process.Ready)
        {
            return null;
        }

        var exit = await process.Exited;
        return $"Worker {process.InstanceName} (pid {process.ProcessId}) exited ({exit.Reason}) before it was ready.{Tail(process)}";
    }

    private static string Tail(IWorkerProcess process) =>
        process.OutputTail.Count == 0 ? string.Empty : $" Its last output:{Environment.NewLine}    {string.Join(Environment.NewLine + "    ", process.OutputTail)}";

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.WorkersScaling, EventName = nameof(EventIds.WorkersScaling), Level = LogLevel.Information,
            Message = "Scaling to {Workers} workers: {Added} added, {Removed} removed")]
        public static partial void Scaling(ILogger logger, int workers, int added, int removed);
    }
}
