namespace ReferenceApp.RealtimeHub.Contracts;

/// <summary>A chat message as clients receive it. <paramref name="Room"/> is null for messages sent to everyone.</summary>
/// <param name="SenderConnectionId">The SignalR connection that sent it.</param>
/// <param name="SenderInstance">The hub worker that holds the sender's connection.</param>
/// <param name="SenderPid">That worker's process id: differs from the receiver's own worker when the backplane carried it.</param>
public sealed record ChatMessage(
    string Text,
    string? Room,
    string SenderConnectionId,
    string SenderInstance,
    int SenderPid,
    DateTimeOffset SentAt);

/// <summary>What <c>WhoAmI</c> answers: the hub worker, and the process, that hold the caller's connection.</summary>
public sealed record HubWorkerInfo(string Instance, int? WorkerIndex, int Pid, string ConnectionId, string? Transport);

/// <summary>What a publisher puts on <see cref="RealtimeChannels.Broadcast"/>, serialized as JSON (camelCase).</summary>
/// <param name="Id">Unique per broadcast, so a client can tell duplicates and match deliveries to publishes.</param>
/// <param name="PublisherInstance">The worker that published it, e.g. <c>api-1</c>.</param>
/// <param name="PublisherPid">The publishing process.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the publishing span, so each hub worker's delivery joins the publisher's trace.</param>
public sealed record BroadcastEnvelope(string Id, string Text, string PublisherInstance, int PublisherPid, DateTimeOffset SentAt, string? TraceParent);

/// <summary>A broadcast as a hub client receives it: the envelope plus the hub worker that delivered it.</summary>
/// <param name="HubInstance">The hub worker that delivered it: the one holding the client's connection.</param>
/// <param name="HubPid">That worker's process id.</param>
public sealed record BroadcastDelivery(
    string Id,
    string Text,
    string PublisherInstance,
    int PublisherPid,
    DateTimeOffset SentAt,
    string HubInstance,
    int HubPid,
    DateTimeOffset DeliveredAt);
