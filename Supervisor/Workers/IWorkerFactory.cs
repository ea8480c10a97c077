namespace ReferenceApp.Supervisor.Workers;

/// <summary>Launches the worker processes of a slot; <see cref="WorkerFactory"/> starts real ones.</summary>
internal interface IWorkerFactory
{
    /// <summary>The workers' service name.</summary>
    string ServiceName { get; }

    /// <summary>
    /// Launches the worker of slot <paramref name="index"/>; completes once the process runs, not once it is ready. Takes no
    /// cancellation token on purpose: once asked for, the fork happens, and the slot must own whatever was started.
    /// </summary>
    Task<IWorkerProcess> StartAsync(int index, int workerCount);
}
