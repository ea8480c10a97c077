using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Configuration;

namespace ReferenceApp.Supervisor.Control;

/// <summary>The control API's bearer token: Supervisor:ControlToken, or generated per run (and then printed once at start-up).</summary>
internal sealed class ControlToken
{
    private readonly byte[] _expected;

    public ControlToken(IOptions<SupervisorOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IsGenerated = string.IsNullOrEmpty(options.Value.ControlToken);
        Value = IsGenerated ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) : options.Value.ControlToken!;
        _expected = Encoding.UTF8.GetBytes(Value);
    }

    public string Value { get; }

    public bool IsGenerated { get; }

    /// <summary>Constant-time comparison, so response timing does not reveal how much of a guess was right.</summary>
    public bool Matches(ReadOnlySpan<char> candidate)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(candidate.Length, 512))];
        if (candidate.Length > 512)
        {
            return false;
        }

        var length = Encoding.UTF8.GetBytes(candidate, bytes);
        return CryptographicOperations.FixedTimeEquals(bytes[..length], _expected);
    }
}
