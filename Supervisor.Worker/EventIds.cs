namespace ReferenceApp.Supervisor.Worker;

/// <summary>
/// Every log event of this assembly, numbered once: no two events share an id, so a dashboard filter on an id means one
/// thing. The source-generated loggers take their ids from here (<c>[LoggerMessage(EventId = EventIds.Name, ...)]</c>).
/// </summary>
internal static class EventIds
{
    // Forwarding/ForwardedRequestMiddleware.cs
    public const int ForwardedRequestRejected = 1;

    // Forwarding/PeerForwarder.cs
    public const int ForwardPeerUnreachable = 2;
    public const int ForwardFailed = 3;
    public const int ForwardClientAborted = 4;

    // Handoff/HandoffConnectionListener.cs
    public const int HandoffClosedBySupervisor = 5;
    public const int HandoffFailed = 6;
    public const int HandedOffConnectionUnusable = 7;
    public const int HandoffDrained = 8;

    // SupervisorChannelClient.cs
    public const int SupervisorReady = 9;
    public const int SupervisorChannelFailed = 10;
    public const int SupervisorGone = 11;
    public const int SupervisorCommandUnknown = 12;
    public const int SupervisorStop = 13;
    public const int SupervisorNotHealthyYet = 14;
    public const int SupervisorPeersUpdated = 15;
}
