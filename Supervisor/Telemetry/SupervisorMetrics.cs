using System.Diagnostics.Metrics;

namespace ReferenceApp.Supervisor.Telemetry;

/// <summary>The Supervisor's OpenTelemetry metrics (meter <c>ReferenceApp.Supervisor</c>): workers alive, restarts, recycles, reloads.</summary>
internal sealed class SupervisorMetrics : IDisposable
{
    public const string MeterName = "ReferenceApp.Supervisor";

    private readonly Meter _meter;
    private readonly Counter<long> _restarts;
    private readonly Counter<long> _recycles;
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _failedSlots;

    public SupervisorMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _restarts = _meter.CreateCounter<long>("supervisor.worker.restarts", "{restart}", "Workers restarted after an unexpected exit.");
        _recycles = _meter.CreateCounter<long>("supervisor.worker.recycles", "{recycle}", "Workers replaced gracefully (memory limit, restart command).");
        _reloads = _meter.CreateCounter<long>("supervisor.reloads", "{reload}", "Rolling reloads, by outcome.");
        _failedSlots = _meter.CreateCounter<long>("supervisor.worker.crash_loops", "{slot}", "Worker slots marked Failed by the crash-loop policy.");
    }

    /// <summary>Registers the gauge of live workers; <paramref name="alive"/> is read at each collection.</summary>
    public void ObserveWorkers(Func<int> alive, Func<int> ready)
    {
        _meter.CreateObservableGauge("supervisor.workers.alive", alive, "{worker}", "Worker processes running.");
        _meter.CreateObservableGauge("supervisor.workers.ready", ready, "{worker}", "Worker processes ready to serve.");
    }

    public void Restarted(string reason) => _restarts.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Recycled(string reason) => _recycles.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Reloaded(string outcome) => _reloads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void CrashLooped() => _failedSlots.Add(1);

    public void Dispose() => _meter.Dispose();
}
