using System.Security.Cryptography;
using System.Text;

namespace ReferenceApp.Supervisor.Contracts.Wire;

/// <summary>
/// The connection handoff protocol shared by the Supervisor and its workers. The Supervisor listens on a private
/// <c>SOCK_SEQPACKET</c> Unix domain socket per worker and names it in <see cref="WorkerVariables.Listen"/>; the worker connects
/// and sends <see cref="Hello"/> with its secret; from then on every message from the Supervisor is one
/// <see cref="ConnectionsTag"/> byte carrying accepted TCP connections as SCM_RIGHTS descriptors. Sequenced packets keep
/// each batch of descriptors with its own message, which a byte stream does not promise.
/// </summary>
public static class HandoffProtocol
{
    /// <summary>The cookie workers set and the sticky Supervisor reads.</summary>
    public const string AffinityCookieName = "referenceapp-affinity";

    public const string Scheme = "handoff://";

    /// <summary>The only message the Supervisor sends: accepted connections ride on it as ancillary data.</summary>
    public const byte ConnectionsTag = (byte)'C';

    /// <summary>The most connections one message carries: a balance between syscalls saved and head-of-line batching.</summary>
    public const int MaxConnectionsPerMessage = 64;

    private const string HelloPrefix = "ra-handoff/1 ";

    /// <summary>Parses <c>handoff://&lt;absolute path&gt;</c>; false for any other value (including other schemes).</summary>
    public static bool TryParseListenAddress(string? value, out string path)
    {
        path = string.Empty;
        if (value is null || !value.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        path = value[Scheme.Length..];
        return path.Length > 0;
    }

    public static string FormatListenAddress(string path) => Scheme + path;

    /// <summary>The first message a worker sends.</summary>
    public static byte[] Hello(string secret) => Encoding.ASCII.GetBytes(HelloPrefix + secret);

    /// <summary>True when <paramref name="message"/> is the hello for <paramref name="expectedSecret"/> (constant time in the secret).</summary>
    public static bool IsHello(ReadOnlySpan<byte> message, string expectedSecret)
    {
        var expected = Hello(expectedSecret);
        return message.Length == expected.Length && CryptographicOperations.FixedTimeEquals(message, expected);
    }
}
