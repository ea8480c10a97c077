using System.Text;

namespace ReferenceApp.Supervisor.Balancing.Sticky;

/// <summary>What the start of a connection says about where it should go.</summary>
public enum HeadVerdict
{
    /// <summary>An HTTP/1.x request head is arriving but the decision needs more of it.</summary>
    NeedMore,

    /// <summary>Enough was seen: route by <see cref="HeadInspection.AffinityId"/> if it is set, else round-robin.</summary>
    Decided,

    /// <summary>Not an HTTP/1.x request (TLS, HTTP/2 prior knowledge, garbage): route round-robin and let the worker answer.</summary>
    NotHttp1,
}

/// <summary>
/// The verdict on a peeked request head, the affinity id it carried, if any, and whether it is an <c>OPTIONS</c> request:
/// a browser sends a CORS preflight on a cookieless connection of its own just before the real request, so a preflight
/// must not move round-robin on, or every fresh browser would land on the same worker.
/// </summary>
public readonly record struct HeadInspection(HeadVerdict Verdict, string? AffinityId, bool IsOptions = false)
{
    public static HeadInspection NeedMore => new(HeadVerdict.NeedMore, null);

    public static HeadInspection NotHttp1 => new(HeadVerdict.NotHttp1, null);
}

/// <summary>
/// Reads the affinity cookie from the first HTTP/1.1 request head of a connection, as far as it has arrived, without
/// allocating for anything but the id it returns. Decides as soon as it can: at the first Cookie line that carries the
/// cookie, or at the end of the head. Deliberately lenient about everything else; the worker's Kestrel is the one that
/// validates the request.
/// </summary>
public static class HttpHeadPeek
{
    /// <summary>Affinity ids are short opaque tokens; anything longer or stranger is ignored, not trusted.</summary>
    public const int MaxAffinityIdLength = 64;

    private const int MaxMethodLength = 32;

    public static HeadInspection Inspect(ReadOnlySpan<byte> head, string cookieName)
    {
        ArgumentException.ThrowIfNullOrEmpty(cookieName);
        Span<byte> name = stackalloc byte[Encoding.ASCII.GetByteCount(cookieName)];
        Encoding.ASCII.GetBytes(cookieName, name);

        var lineEnd = head.IndexOf((byte)'\n');
        if (lineEnd < 0)
        {
            return IsPlausibleRequestLineStart(head) ? HeadInspection.NeedMore : HeadInspection.NotHttp1;
        }

        if (!IsHttp1RequestLine(TrimCr(head[..lineEnd])))
        {
            return HeadInspection.NotHttp1;
        }

        var isOptions = head.StartsWith("OPTIONS "u8);

        var rest = head[(lineEnd + 1)..];
        while (true)
        {
            lineEnd = rest.IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                return HeadInspection.NeedMore;
            }

            var line = TrimCr(rest[..lineEnd]);
            if (line.IsEmpty)
            {
                return new HeadInspection(HeadVerdict.Decided, null, isOptions);
            }

            if (CookieHeaderValue(line) is { IsEmpty: false } cookies && FindCookie(cookies, name) is { } affinity)
            {
                return new HeadInspection(HeadVerdict.Decided, affinity, isOptions);
            }

            rest = rest[(lineEnd + 1)..];
        }
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.EndsWith((byte)'\r') ? line[..^1] : line;

    // The bytes so far could still become "METHOD SP ...": a token of reasonable length, then possibly a space.
    private static bool IsPlausibleRequestLineStart(ReadOnlySpan<byte> head)
    {
        var space = head.IndexOf((byte)' ');
        var method = space < 0 ? head : head[..space];
        return method.Length <= MaxMethodLength && (space != 0) && IsToken(method);
    }

    // METHOD SP target SP HTTP/1.x
    private static bool IsHttp1RequestLine(ReadOnlySpan<byte> line)
    {
        var firstSpace = line.IndexOf((byte)' ');
        var lastSpace = line.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || firstSpace > MaxMethodLength || lastSpace <= firstSpace + 1 || !IsToken(line[..firstSpace]))
        {
            return false;
        }

        var version = line[(lastSpace + 1)..];
        return version.SequenceEqual("HTTP/1.1"u8) || version.SequenceEqual("HTTP/1.0"u8);
    }

    private static ReadOnlySpan<byte> CookieHeaderValue(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon != "Cookie".Length || !Ascii.EqualsIgnoreCase(line[..colon], "Cookie"u8))
        {
            return default;
        }

        return line[(colon + 1)..].Trim((byte)' ').Trim((byte)'\t');
    }

    // Cookie: a=1; referenceapp-affinity=abc; b=2 (RFC 6265 section 5.4); the first well-formed one wins.
    private static string? FindCookie(ReadOnlySpan<byte> cookies, ReadOnlySpan<byte> name)
    {
        foreach (var range in cookies.Split((byte)';'))
        {
            var pair = cookies[range].Trim((byte)' ');
            var equals = pair.IndexOf((byte)'=');
            if (equals <= 0 || !pair[..equals].SequenceEqual(name))
            {
                continue;
            }

            var value = pair[(equals + 1)..];
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }

            if (value.Length is > 0 and <= MaxAffinityIdLength && IsIdentifier(value))
            {
                return Encoding.ASCII.GetString(value);
            }
        }

        return null;
    }

    private static bool IsToken(ReadOnlySpan<byte> value)
    {
        foreach (var c in value)
        {
            if (c is <= 32 or >= 127 or (byte)'(' or (byte)')' or (byte)',' or (byte)'/' or (byte)':' or (byte)';' or (byte)'<'
                or (byte)'=' or (byte)'>' or (byte)'?' or (byte)'@' or (byte)'[' or (byte)'\\' or (byte)']' or (byte)'{'
                or (byte)'}' or (byte)'"')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIdentifier(ReadOnlySpan<byte> value)
    {
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit((char)c) || c is (byte)'-' or (byte)'_'))
            {
                return false;
            }
        }

        return true;
    }
}
