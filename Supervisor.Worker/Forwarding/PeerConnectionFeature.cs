using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Forwarding;

/// <summary>
/// Marks a connection accepted on this worker's private forwarding socket (set by connection middleware on that listener
/// only), so forwarded-request headers are trusted from there and nowhere else.
/// </summary>
internal sealed class PeerConnectionFeature
{
    public static readonly PeerConnectionFeature Instance = new();

    private PeerConnectionFeature()
    {
    }
}
