namespace ReferenceApp.Supervisor.Hosting;

/// <summary>
/// Every log event of this assembly, numbered once: no two events share an id, so a dashboard filter on an id means one
/// thing. The source-generated loggers take their ids from here (<c>[LoggerMessage(EventId = EventIds.Name, ...)]</c>).
/// </summary>
internal static class EventIds
{
    // Dashboard/SupervisorStatusPoller.cs
    public const int SupervisorStatusPollerFailed = 1;
    public const int WorkerOutput = 2;
    public const int WorkerErrorOutput = 3;
}
