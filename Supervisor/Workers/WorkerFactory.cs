using Microsoft.Extensions.Logging;
using ReferenceApp.Supervisor.Balancing.Sticky;
using ReferenceApp.Supervisor.Balancing;
using ReferenceApp.Supervisor.Configuration;

namespace ReferenceApp.Supervisor.Workers;

/// <summary>Launches worker processes of the configured app with the worker contract's environment.</summary>
internal sealed class WorkerFactory(
    SupervisorSettings settings,
    RuntimeDirectory runtimeDirectory,
    WorkerLauncher launcher,
    IBalancingPolicy balancer,
    ForwardingDirectory peers,
    TimeProvider time,
    ILogger<WorkerProcess> logger) : IWorkerFactory
{
    private long _launches;

    public string ServiceName => settings.ServiceName;

    public async Task<IWorkerProcess> StartAsync(int index, int workerCount)
    {
        var options = settings.Options;
        var identity = new WorkerIdentityPlan(index, workerCount, ServiceName, $"{ServiceName}-{index}",
            options.FormatWorkerInstanceId(ServiceName, index));
        var plan = new WorkerStartPlan(settings.App, options.AppArguments.ToArray(), identity, Interlocked.Increment(ref _launches),
            runtimeDirectory.Path, options.Heartbeat.Interval, options.DrainTimeout);
        return await WorkerProcess.StartAsync(plan, launcher, balancer, peers, time, logger);
    }
}
