namespace ReferenceApp.Web;

/// <summary>
/// Every log event of this assembly, numbered once: no two events share an id, so a dashboard filter on an id means one
/// thing. The source-generated loggers take their ids from here (<c>[LoggerMessage(EventId = EventIds.Name, ...)]</c>).
/// </summary>
internal static class EventIds
{
    // Cluster/ClusterControl.cs
    public const int ClusterCommandSent = 1;
    public const int ClusterCommandFailed = 2;

    // Cluster/ClusterMonitor.cs
    public const int SupervisorStatusUnavailable = 3;
}
