using System.Text.Json.Serialization;

namespace ReferenceApp.Supervisor.Contracts.Wire;

/// <summary>
/// One message on the Supervisor channel. One flat shape for every type keeps the protocol easy to read and to extend:
/// a field a side does not know is ignored.
/// </summary>
public sealed record ChannelMessage
{
    /// <summary>Worker -> Supervisor, first message: <see cref="Secret"/> and <see cref="ProcessId"/>.</summary>
    public const string Hello = "hello";

    /// <summary>Supervisor -> worker, answer to a valid hello: <see cref="HeartbeatIntervalMs"/>.</summary>
    public const string Welcome = "welcome";

    /// <summary>Worker -> Supervisor: the host started, the port is bound and the health checks pass.</summary>
    public const string Ready = "ready";

    /// <summary>Worker -> Supervisor, periodically: memory and request counters.</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>Supervisor -> worker: stop accepting, finish in-flight requests within <see cref="DeadlineMs"/>, exit.</summary>
    public const string Drain = "drain";

    /// <summary>Supervisor -> worker: exit now; in-flight requests are aborted.</summary>
    public const string Stop = "stop";

    /// <summary>
    /// Supervisor -> worker, under sticky balancing, whenever the set of ready workers changes: every ready worker's
    /// forwarding address in <see cref="PeerList"/>, numbered by <see cref="PeersVersion"/> (the newest wins).
    /// </summary>
    public const string Peers = "peers";

    public required string Type { get; init; }

    public string? Secret { get; init; }

    [JsonPropertyName("pid")]
    public int? ProcessId { get; init; }

    public int? HeartbeatIntervalMs { get; init; }

    public long? RssBytes { get; init; }

    public long? GcHeapBytes { get; init; }

    public long? InFlight { get; init; }

    public long? RequestsServed { get; init; }

    public int? DeadlineMs { get; init; }

    public long? PeersVersion { get; init; }

    public IReadOnlyList<ForwardingPeer>? PeerList { get; init; }

    // A secret must never reach a log through a record's generated ToString.
    public override string ToString() => $"{Type} message";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChannelMessage))]
internal sealed partial class ChannelJsonContext : JsonSerializerContext;
