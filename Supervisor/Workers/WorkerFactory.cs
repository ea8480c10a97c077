using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Balancing.Sticky;
using ReferenceApp.Supervisor.Balancing;
using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Workers;

/// <summary>Launches worker processes of the configured app with the worker contract's environment.</summary>
internal sealed class WorkerFactory(
    IOptions<SupervisorOptions> options,
    WorkerApplication app,
    RuntimeDirectory runtimeDirectory,
    WorkerLauncher launcher,
    IBalancingPolicy balancer,
    ForwardingDirectory peers,
    TimeProvider time,
    ILogger<WorkerProcess> logger) : IWorkerFactory
{
    private long _launches;

    /// <summary>The workers' service name: --name, else OTEL_SERVICE_NAME, else the app's assembly name lower-cased.</summary>
    public string ServiceName { get; } = ResolveServiceName(options.Value, app);

    public async Task<IWorkerProcess> StartAsync(int index, int workerCount)
    {
        var settings = options.Value;
        var identity = new WorkerIdentityPlan(index, workerCount, ServiceName, $"{ServiceName}-{index}",
            settings.FormatWorkerInstanceId(ServiceName, index));
        var plan = new WorkerStartPlan(app, settings.AppArguments.ToArray(), identity, Interlocked.Increment(ref _launches),
            runtimeDirectory.Path, settings.Heartbeat.Interval, settings.DrainTimeout);
        return await WorkerProcess.StartAsync(plan, launcher, balancer, peers, time, logger);
    }

    internal static string ResolveServiceName(SupervisorOptions options, WorkerApplication app) =>
        ServiceNames.Resolve(options.Name, Environment.GetEnvironmentVariable(ServiceNames.Variable), app.AssemblyName);
}
