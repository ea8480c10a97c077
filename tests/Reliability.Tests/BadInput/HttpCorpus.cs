using System.Globalization;
using System.Net;
using System.Text;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;
using Xunit.Abstractions;

namespace ReferenceApp.Reliability.Tests.BadInput;

/// <summary>
/// One hostile or broken request a server must refuse with a 4xx. <paramref name="ClosingAnswerSuffices"/>: an answer after
/// which the server closes the connection is right too (RFC 9112 section 6.3 for Transfer-Encoding beside Content-Length).
/// </summary>
public sealed record BadRequest(string Name, byte[] Bytes, bool ClosingAnswerSuffices = false)
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
            // RFC 9112 section 6.3: Transfer-Encoding overrides Content-Length, and the server must close the connection after
            // answering, so nothing can be smuggled behind the body. Kestrel does exactly that; a 4xx would be right too.
            Raw("Content-Length and Transfer-Encoding both (smuggling)", $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") with { ClosingAnswerSuffices = true },
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
public sealed record BadRequestOutcome(BadRequest Request, int? Status, bool ConnectionClosed, string? Failure)
{
    public string Name => Request.Name;

    public bool IsClear4xx => Status is >= 400 and < 500;

    /// <summary>A 4xx, or where the request allows it, an answer that ends the connection.</summary>
    public bool IsRefused => IsClear4xx || (Request.ClosingAnswerSuffices && Status is not null && ConnectionClosed);

    public override string ToString() =>
        Status is { } status ? $"{Name}: {status}{(ConnectionClosed ? ", connection closed" : "")}" : $"{Name}: {Failure}";
}

/// <summary>Sends a corpus, one fresh connection per request, and checks what it did to the processes behind the port.</summary>
internal static class CorpusRunner
{
    /// <summary>How much any process may still grow over the second half of the rounds.</summary>
    private const long MaxGrowthBytes = 32L * 1024 * 1024;

    /// <summary>
    /// Sends the corpus <see cref="ReliabilityProfile.CorpusRounds"/> times; every request must get a 4xx, the same each
    /// round, and afterwards the Supervisor and its workers must be the same processes, restarted never, grown little, and
    /// still serving <paramref name="healthPath"/>.
    /// </summary>
    public static async Task AssertSurvivesAsync(ITestOutputHelper output, SupervisorProcess supervisor, int port, IReadOnlyList<BadRequest> corpus, string scenario, string healthPath = "/api/whoami")
    {
        var before = await supervisor.GetStatusAsync();
        var pids = before.Workers.Select(worker => worker.Pid!.Value).Append(supervisor.Pid).ToArray();
        var (outcomes, growth) = await SendRoundsAsync(output, port, corpus, pids);
        var after = await supervisor.GetStatusAsync();
        using var healthy = await supervisor.GetOnNewConnectionAsync(healthPath);
        Record(scenario, corpus, outcomes, growth, new() { ["restarts"] = after.Workers.Sum(w => w.Restarts) });

        AssertRefusedWithBoundedGrowth(outcomes, growth);
        Assert.True(ProcessTable.IsAlive(supervisor.Pid), "the Supervisor died");
        Assert.Equal(before.Workers.Select(w => w.Pid), after.Workers.Select(w => w.Pid));
        Assert.All(after.Workers, worker => Assert.Equal(0, worker.Restarts));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    /// <summary>
    /// Sends the corpus once to warm up, then the remaining rounds; returns the first round's outcomes and each process's
    /// RSS growth over the second half of the rounds. Pools, heaps and caches fill up at first; what still grows after
    /// that is growth without a bound.
    /// </summary>
    public static async Task<(IReadOnlyList<BadRequestOutcome> Outcomes, IReadOnlyDictionary<int, long> Growth)> SendRoundsAsync(
        ITestOutputHelper output, int port, IReadOnlyList<BadRequest> corpus, IReadOnlyList<int> pids)
    {
        var rounds = ReliabilityProfile.Current.CorpusRounds;
        var outcomes = await SendAsync(port, corpus);
        var warm = Resident(pids);
        var half = Resident(pids);
        for (var round = 2; round <= rounds; round++)
        {
            var again = await SendAsync(port, corpus);
            Assert.Equal(outcomes.Select(o => o.Status), again.Select(o => o.Status));
            if (round == (rounds + 1) / 2)
            {
                half = Resident(pids);
            }
        }

        var end = Resident(pids);
        var growth = pids.ToDictionary(pid => pid, pid => end[pid] - half[pid]);
        output.WriteLine(string.Join(Environment.NewLine, outcomes));
        output.WriteLine($"{rounds} rounds of {corpus.Count}; RSS after round 1 / round {(rounds + 1) / 2} / round {rounds}: "
            + string.Join(", ", pids.Select(pid => $"pid {pid} {Mib(warm[pid])} / {Mib(half[pid])} / {Mib(end[pid])} MiB")));
        return (outcomes, growth);
    }

    private static Dictionary<int, long> Resident(IEnumerable<int> pids) => pids.ToDictionary(pid => pid, pid => ProcessTable.ResidentBytes(pid) ?? 0);

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("F1", CultureInfo.InvariantCulture);

    public static void Record(string scenario, IReadOnlyList<BadRequest> corpus, IReadOnlyList<BadRequestOutcome> outcomes,
        IReadOnlyDictionary<int, long> growth, Dictionary<string, object?> extra)
    {
        var rounds = ReliabilityProfile.Current.CorpusRounds;
        var measurements = new Dictionary<string, object?>
        {
            ["requests"] = corpus.Count * rounds,
            ["refused"] = outcomes.Count(o => o.IsRefused) * rounds,
            ["clear4xx"] = outcomes.Count(o => o.IsClear4xx) * rounds,
            ["statuses"] = outcomes.GroupBy(o => o.Status?.ToString(CultureInfo.InvariantCulture) ?? "none").ToDictionary(g => g.Key, g => g.Count()),
            ["not4xx"] = outcomes.Where(o => !o.IsClear4xx).Select(o => o.ToString()).ToArray(),
            ["maxRssGrowthSecondHalfMiB"] = Math.Round(growth.Values.Max() / 1024.0 / 1024.0, 1),
        };
        foreach (var (key, value) in extra)
        {
            measurements[key] = value;
        }

        ScenarioResults.Record($"bad-input-{scenario}", measurements);
    }

    public static void AssertRefusedWithBoundedGrowth(IReadOnlyList<BadRequestOutcome> outcomes, IReadOnlyDictionary<int, long> growth)
    {
        Assert.All(outcomes, outcome => Assert.True(outcome.IsRefused, $"expected a 4xx for '{outcome}'"));
        Assert.All(growth, g => Assert.True(g.Value < MaxGrowthBytes,
            $"pid {g.Key} still grew {g.Value / 1024 / 1024} MiB over the second half of {ReliabilityProfile.Current.CorpusRounds} rounds"));
    }

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
                outcomes.Add(new(request, response.Status, response.ServerClosesConnection, null));
            }
            catch (Exception exception) when (exception is IOException or InvalidDataException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                outcomes.Add(new(request, null, ConnectionClosed: true, $"{exception.GetType().Name}: {exception.Message}"));
            }
        }

        return outcomes;
    }
}
