using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using ReferenceApp.Supervisor.Telemetry;

namespace ReferenceApp.Supervisor.Tests.Policies;

[Trait("Tier", "Unit")]
public sealed class SupervisorMetricsTests
{
    [Fact]
    public void Metrics_report_workers_alive_restarts_recycles_and_reloads()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new SupervisorMetrics(services.GetRequiredService<IMeterFactory>());
        var measured = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SupervisorMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measured[instrument.Name] = measured.GetValueOrDefault(instrument.Name) + value);
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => measured[instrument.Name] = value);
        listener.Start();

        metrics.ObserveWorkers(alive: () => 3, ready: () => 2);
        metrics.Restarted("signal");
        metrics.Restarted("exit");
        metrics.Recycled("memory");
        metrics.Reloaded("Completed");
        metrics.CrashLooped();
        listener.RecordObservableInstruments();

        Assert.Equal(3, measured["supervisor.workers.alive"]);
        Assert.Equal(2, measured["supervisor.workers.ready"]);
        Assert.Equal(2, measured["supervisor.worker.restarts"]);
        Assert.Equal(1, measured["supervisor.worker.recycles"]);
        Assert.Equal(1, measured["supervisor.reloads"]);
        Assert.Equal(1, measured["supervisor.worker.crash_loops"]);
    }
}
