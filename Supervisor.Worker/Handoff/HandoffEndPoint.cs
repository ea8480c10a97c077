using System.Net;
using System.Net.Sockets;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Handoff;

/// <summary>A Kestrel endpoint that receives connections a Supervisor accepted, through the handoff socket at <see cref="Path"/>.</summary>
public sealed class HandoffEndPoint(string path) : EndPoint
{
    public string Path { get; } = path;

    public override AddressFamily AddressFamily => AddressFamily.Unix;

    public override string ToString() => HandoffProtocol.FormatListenAddress(Path);
}
