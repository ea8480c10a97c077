using System.Buffers.Binary;
using System.Net.Sockets;

namespace ReferenceApp.Supervisor.Interop;

/// <summary>Who is at the other end of a connected Unix domain socket, as the kernel vouches: SO_PEERCRED, see unix(7).</summary>
internal static class PeerCredentials
{
    // <sys/socket.h> on Linux: SOL_SOCKET = 1, SO_PEERCRED = 17; struct ucred { pid_t pid; uid_t uid; gid_t gid; }.
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int UcredSize = 12;

    /// <summary>The peer's process id, or null where the kernel does not tell (not Linux).</summary>
    public static int? ProcessId(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> ucred = stackalloc byte[UcredSize];
        var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        return length >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(ucred) : null;
    }
}
