using System.Text;
using ReferenceApp.Testing.Http;

namespace ReferenceApp.Reliability.Tests.BadInput;

/// <summary>One hostile or broken request, and why a server must refuse it with a 4xx.</summary>
public sealed record BadRequest(string Name, byte[] Bytes)
{
    public override string ToString() => Name;
}

/// <summary>
/// Malformed HTTP/1.1 that any endpoint of this system must answer with a clear 4xx, without crashing and without
/// holding memory: broken framing, smuggling attempts, oversized heads and bodies, invalid JSON, wrong tokens.
/// </summary>
internal static class HttpCorpus
{
    private static readonly Encoding Ascii = Encoding.ASCII;

    private static BadRequest Raw(string name, string text) => new(name, Ascii.GetBytes(text));

    /// <summary>Protocol-level garbage: refused by the HTTP parser before any endpoint runs.</summary>
    public static IReadOnlyList<BadRequest> Protocol(string path)
    {
        var random = new Random(20261123);
        var junk = new byte[512];
        random.NextBytes(junk);
        return
        [
            Raw("not HTTP at all", "HELLO THERE\r\n\r\n"),
            new("random binary bytes", [.. junk, .. "\r\n\r\n"u8.ToArray()]),
            Raw("invalid characters in the method", $"G{{T {path} HTTP/1.1\r\nHost: x\r\n\r\n"),
            Raw("HTTP/1.1 without Host", $"GET {path} HTTP/1.1\r\n\r\n"),
            Raw("two Host headers", $"GET {path} HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            Raw("header line without a colon", $"GET {path} HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"),
            Raw("whitespace before the colon", $"GET {path} HTTP/1.1\r\nHost : x\r\n\r\n"),
            Raw("obsolete line folding", $"GET {path} HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n"),
            Raw("NUL in a header value", $"GET {path} HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\n\r\n"),
            Raw("absolute URI naming another host", $"GET http://elsewhere.example{path} HTTP/1.1\r\nHost: x\r\n\r\n"),
            Raw("16 KiB request target", $"GET {path}?q={new string('a', 16 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n"),
            Raw("one 64 KiB header", $"GET {path} HTTP/1.1\r\nHost: x\r\nX-Big: {new string('b', 64 * 1024)}\r\n\r\n"),
            Raw("300 headers", $"GET {path} HTTP/1.1\r\nHost: x\r\n{string.Concat(Enumerable.Range(0, 300).Select(i => $"X-H{i}: v\r\n"))}\r\n"),
            Raw("Content-Length and Transfer-Encoding both (smuggling)", $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            Raw("two different Content-Lengths (smuggling)", $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
            Raw("negative Content-Length", $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"),
            Raw("non-numeric Content-Length", $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n"),
            Raw("Transfer-Encoding that does not end in chunked", $"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
        ];
    }

    /// <summary>Bodies sent to an endpoint that reads JSON: broken framing, oversized, not JSON, not the declared type.</summary>
    public static IReadOnlyList<BadRequest> JsonBody(string method, string path, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var extra = string.Concat((headers ?? []).Select(header => $"{header.Key}: {header.Value}\r\n"));
        BadRequest Body(string name, string contentType, string body) =>
            new(name, RawHttpConnection.Request(method, path, [.. headers ?? [], new("Content-Type", contentType)], Ascii.GetBytes(body)));
        return
        [
            Body("invalid JSON", "application/json", "{\"item\": "),
            Body("JSON of the wrong shape", "application/json", "[1, 2, 3]"),
            Body("JSON nested 10,000 deep", "application/json", new string('[', 10_000) + new string(']', 10_000)),
            Body("not the declared content type", "text/plain", "hello"),
            Raw("declared 100 MiB body", $"{method} {path} HTTP/1.1\r\nHost: x\r\n{extra}Content-Type: application/json\r\nContent-Length: {100 * 1024 * 1024}\r\n\r\n{{"),
            Raw("2 MiB chunked body", $"{method} {path} HTTP/1.1\r\nHost: x\r\n{extra}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                + string.Concat(Enumerable.Repeat($"10000\r\n{new string(' ', 0x10000)}\r\n", 32)) + "0\r\n\r\n"),
            Raw("invalid chunk size", $"{method} {path} HTTP/1.1\r\nHost: x\r\n{extra}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n"),
        ];
    }
}

/// <summary>What one bad request got back.</summary>
public sealed record BadRequestOutcome(string Name, int? Status, string? Failure)
{
    public bool IsClear4xx => Status is >= 400 and < 500;

    public override string ToString() => Status is { } status ? $"{Name}: {status}" : $"{Name}: {Failure}";
}

/// <summary>Sends a corpus, one fresh connection per request, and records the answers.</summary>
internal static class CorpusRunner
{
    public static async Task<IReadOnlyList<BadRequestOutcome>> SendAsync(int port, IEnumerable<BadRequest> corpus, CancellationToken cancellationToken = default)
    {
        var outcomes = new List<BadRequestOutcome>();
        foreach (var request in corpus)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                await using var connection = await RawHttpConnection.ConnectAsync(port, deadline.Token);
                try
                {
                    await connection.SendAsync(request.Bytes, deadline.Token);
                }
                catch (RawHttpConnectionBrokenException)
                {
                    // A server may answer and close before it has read everything (a 413 for a huge body): read that answer.
                }

                var response = await connection.ReadResponseAsync(deadline.Token);
                outcomes.Add(new(request.Name, response.Status, null));
            }
            catch (Exception exception) when (exception is IOException or InvalidDataException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                outcomes.Add(new(request.Name, null, $"{exception.GetType().Name}: {exception.Message}"));
            }
        }

        return outcomes;
    }
}
