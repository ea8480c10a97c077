using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Policies;
using ReferenceApp.Supervisor.Telemetry;
using ReferenceApp.Supervisor.Workers;
using ReferenceApp.Testing;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace ReferenceApp.Supervisor.Tests.Workers;

/// <summary>
/// The lifecycle core (slots, pool) over fake processes and a fake clock: nothing runs, nothing waits for real time, and
/// the Supervisor's metrics are recorded.
/// </summary>
internal sealed class LifecycleHarness : IDisposable
{
    /// <summary>Real time a test waits for something the code under test does on its own threads; generous, never reached when it works.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _counters = [];
    private readonly List<WorkerSlot> _slots = [];
    private WorkerPool? _pool;

    public LifecycleHarness(Action<SupervisorOptions>? configure = null)
    {
        Options = new SupervisorOptions
        {
            StartTimeout = TimeSpan.FromSeconds(10),
            DrainTimeout = TimeSpan.FromSeconds(5),
            MemoryLimitMb = 100,
            Restart = new RestartOptions
            {
                InitialDelay = TimeSpan.FromSeconds(1),
                Multiplier = 2,
                MaxDelay = TimeSpan.FromSeconds(30),
                StableAfter = TimeSpan.FromSeconds(30),
            },
            CrashLoop = new CrashLoopOptions { MaxUnstableExits = 3, Window = TimeSpan.FromMinutes(2) },
            Heartbeat = new HeartbeatOptions { Interval = TimeSpan.FromSeconds(2), Timeout = TimeSpan.FromSeconds(10) },
        };
        configure?.Invoke(Options);
        Factory = new FakeWorkerFactory(Clock);

        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = _services.GetRequiredService<IMeterFactory>();
        Metrics = new SupervisorMetrics(meters);
        // Only this harness's meter: other tests running in parallel have their own.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meters)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (_counters)
            {
                _counters[instrument.Name] = _counters.GetValueOrDefault(instrument.Name) + value;
            }
        });
        _listener.Start();
    }

    public ObservedClock Clock { get; } = new();

    public FakeWorkerFactory Factory { get; }

    public SupervisorOptions Options { get; }

    public SupervisorMetrics Metrics { get; }

    public WorkerPool Pool => _pool ??= new WorkerPool(Factory, MsOptions.Create(Options), Metrics, Clock,
        NullLogger<WorkerPool>.Instance, NullLogger<WorkerSlot>.Instance);

    /// <summary>The sum recorded so far by the counter <paramref name="name"/> (e.g. supervisor.worker.restarts).</summary>
    public long Counter(string name)
    {
        lock (_counters)
        {
            return _counters.GetValueOrDefault(name);
        }
    }

    public WorkerSlot Slot(int index = 0, int workerCount = 1)
    {
        var slot = new WorkerSlot(index, Factory, Options, () => workerCount, new StartTimeoutPolicy(Options.StartTimeout), new RestartPolicy(Options.Restart),
            new CrashLoopPolicy(Options.CrashLoop, Options.Restart.StableAfter), Metrics, Clock, NullLogger.Instance);
        _slots.Add(slot);
        return slot;
    }

    /// <summary>A slot whose first process is ready and whose restarts are on, as after the Supervisor's start-up.</summary>
    public async Task<(WorkerSlot Slot, FakeWorkerProcess Process)> ServingSlotAsync()
    {
        var slot = Slot();
        var process = (FakeWorkerProcess)await slot.StartAsync(CancellationToken.None);
        process.ReportReady();
        slot.Arm();
        return (slot, process);
    }

    /// <summary>
    /// Lets <paramref name="process"/> crash and waits until its slot has set the restart timer of <paramref name="delay"/>
    /// (fails if the slot sets no timer of exactly that delay).
    /// </summary>
    public async Task CrashAndAwaitBackoffAsync(FakeWorkerProcess process, TimeSpan delay)
    {
        var before = Clock.TimersSet(delay);
        process.Crash();
        await Clock.TimerSetAsync(delay, before + 1);
    }

    public static Task UntilAsync(Func<bool> condition, string what) => Eventually.TrueAsync(condition, Deadline, what);

    public void Dispose()
    {
        _pool?.Dispose();
        foreach (var slot in _slots)
        {
            slot.Dispose();
        }

        _listener.Dispose();
        Metrics.Dispose();
        _services.Dispose();
    }
}
