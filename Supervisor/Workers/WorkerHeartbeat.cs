namespace ReferenceApp.Supervisor.Workers;

/// <summary>The latest heartbeat a worker sent.</summary>
public sealed record WorkerHeartbeat(long RssBytes, long GcHeapBytes, long InFlight, long RequestsServed);
