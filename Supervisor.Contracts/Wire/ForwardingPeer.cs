namespace ReferenceApp.Supervisor.Contracts.Wire;

/// <summary>One worker that can serve forwarded requests: the id its affinity cookie carries, where it listens, and its secret.</summary>
public sealed record ForwardingPeer
{
    public required string AffinityId { get; init; }

    public required string SocketPath { get; init; }

    public required string Secret { get; init; }

    public int ProcessId { get; init; }

    // A secret must never reach a log through a record's generated ToString.
    public override string ToString() => $"peer {AffinityId} (pid {ProcessId})";
}
