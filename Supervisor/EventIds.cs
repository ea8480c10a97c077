namespace ReferenceApp.Supervisor;

/// <summary>
/// Every log event of this assembly, numbered once: no two events share an id, so a dashboard filter on an id means one
/// thing. The source-generated loggers take their ids from here (<c>[LoggerMessage(EventId = EventIds.Name, ...)]</c>).
/// </summary>
internal static class EventIds
{
    // Balancing/Handoff/HandoffAcceptLoop.cs
    public const int HandoffLoopIterationFailed = 1;
    public const int AcceptFailed = 2;
    public const int WorkerRefusedHandoff = 3;
    public const int NoWorkerForConnection = 4;
    public const int HandoffLoopDidNotStop = 5;

    // Balancing/Handoff/HandoffPolicy.cs
    public const int HandoffBalancingStarted = 6;
    public const int HandoffBalancingStopped = 7;
    public const int WorkerNeverConnectedForHandoff = 8;

    // Balancing/ReusePortPolicy.cs
    public const int ReusePortPrepared = 9;

    // Channel/WorkerChannel.cs
    public const int ChannelPeerRejected = 10;
    public const int ChannelPeerDropped = 11;
    public const int ChannelProtocolViolation = 12;
    public const int ChannelUnknownMessage = 13;

    // Control/ControlApi.cs
    public const int ControlCommandFailed = 14;

    // Hosting/SupervisorService.cs
    public const int SupervisorStarting = 15;
    public const int SupervisorStopping = 16;
    public const int SupervisorStopped = 17;

    // Hosting/WorkerWatchdog.cs
    public const int WorkerOverMemoryLimit = 18;

    // Policies/RollingReload.cs
    public const int ReloadStarted = 19;
    public const int ReloadFinished = 20;

    // Workers/WorkerPool.cs
    public const int WorkersScaling = 21;

    // Workers/WorkerProcess.cs
    public const int WorkerStarted = 22;
    public const int WorkerReady = 23;
    public const int WorkerExited = 24;
    public const int WorkerKilled = 25;
    public const int WorkerDrainTimedOut = 26;

    // Workers/WorkerSlot.cs
    public const int WorkerRestartScheduled = 27;
    public const int WorkerCrashLoop = 28;
    public const int WorkerReplaced = 29;
    public const int WorkerReplacementFailed = 30;
    public const int WorkerLaunchFailed = 31;
}
