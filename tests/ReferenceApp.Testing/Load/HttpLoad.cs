using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ReferenceApp.Testing.Http;

namespace ReferenceApp.Testing.Load;

/// <summary>One request a virtual user sends: a label to count it under, and its bytes.</summary>
public sealed record LoadRequest(string Endpoint, byte[] Bytes);

/// <summary>A virtual user: its own keep-alive connection and its own cookies, like one browser tab.</summary>
public sealed class LoadUser(int index)
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public int Index { get; } = index;

    /// <summary>How many requests this user has sent.</summary>
    public long Sequence { get; internal set; }

    /// <summary>The user's cookies as a <c>Cookie</c> header value, or null when it has none.</summary>
    public string? CookieHeader => _cookies.Count == 0 ? null : string.Join("; ", _cookies.Select(cookie => $"{cookie.Key}={cookie.Value}"));

    internal void Remember(RawHttpResponse response)
    {
        if (!response.Headers.TryGetValue("set-cookie", out var setCookies))
        {
            return;
        }

        foreach (var setCookie in setCookies.Split('\n'))
        {
            var pair = setCookie.Split(';')[0];
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                _cookies[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
            }
        }
    }
}

/// <summary>How a request ended when it got no response.</summary>
public static class LoadFailure
{
    /// <summary>A new connection closed or reset before any response byte: nothing a client can do about it.</summary>
    public const string Reset = "failed:reset";

    /// <summary>
    /// A reused keep-alive connection closed before any response byte: the server closed it (draining, or dying) as the
    /// request went out. RFC 9112 section 9.3.1 lets a client retry an idempotent request then, and HttpClient and browsers
    /// do so silently; it is still counted as failed here, and reported on its own.
    /// </summary>
    public const string ResetReused = "failed:reset-reused";

    /// <summary>The connection broke in the middle of a response.</summary>
    public const string Partial = "failed:partial";

    /// <summary>No connection could be opened.</summary>
    public const string Connect = "failed:connect";

    /// <summary>No response within the request timeout.</summary>
    public const string Timeout = "failed:timeout";

    /// <summary>The bytes that came back were not an HTTP response.</summary>
    public const string Garbled = "failed:garbled";
}

/// <summary>What a load run saw: every outcome (status code or failure kind) per endpoint, overall and per second.</summary>
public sealed class LoadReport
{
    private readonly ConcurrentDictionary<(int Second, string Endpoint, string Outcome), long> _counts = new();

    public TimeSpan Duration { get; internal set; }

    internal void Count(int second, string endpoint, string outcome) =>
        _counts.AddOrUpdate((second, endpoint, outcome), 1, (_, count) => count + 1);

    /// <summary>Every request sent, answered or not.</summary>
    public long Requests => _counts.Values.Sum();

    public long Failed => _counts.Where(entry => IsFailure(entry.Key.Outcome)).Sum(entry => entry.Value);

    /// <summary>Failed requests an HTTP client may retry by itself (<see cref="LoadFailure.ResetReused"/>).</summary>
    public long Retryable => _counts.Where(entry => entry.Key.Outcome == LoadFailure.ResetReused).Sum(entry => entry.Value);

    /// <summary>Failed requests no client could have saved by retrying: 5xx, broken responses, timeouts, resets of new connections.</summary>
    public long Unretryable => Failed - Retryable + ServerErrors;

    /// <summary>Requests that got no response, plus responses with a 5xx status, over all requests.</summary>
    public double FailedRate => Requests == 0 ? 0 : (double)(Failed + ServerErrors) / Requests;

    public long ServerErrors => _counts.Where(entry => int.TryParse(entry.Key.Outcome, CultureInfo.InvariantCulture, out var status) && status >= 500).Sum(entry => entry.Value);

    public IReadOnlyList<string> Endpoints => _counts.Keys.Select(key => key.Endpoint).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>Outcome -> count for one endpoint, optionally within seconds [from, to).</summary>
    public IReadOnlyDictionary<string, long> Outcomes(string? endpoint = null, int from = 0, int to = int.MaxValue) =>
        _counts.Where(entry => (endpoint is null || entry.Key.Endpoint == endpoint) && entry.Key.Second >= from && entry.Key.Second < to)
            .GroupBy(entry => entry.Key.Outcome)
            .ToDictionary(group => group.Key, group => group.Sum(entry => entry.Value), StringComparer.Ordinal);

    /// <summary>The last second (from the start) in which the endpoint had an outcome other than <paramref name="expected"/>.</summary>
    public int? LastSecondWithout(string endpoint, string expected) =>
        _counts.Where(entry => entry.Key.Endpoint == endpoint && entry.Key.Outcome != expected && entry.Value > 0)
            .Select(entry => (int?)entry.Key.Second).Max();

    public static bool IsFailure(string outcome) => outcome.StartsWith("failed:", StringComparison.Ordinal);

    /// <summary>A one-screen summary: per endpoint, each outcome with its count.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Requests} requests in {Duration.TotalSeconds:F1} s, {Failed} without a response ({Retryable} of them retryable), {ServerErrors} 5xx ({FailedRate:P3} failed)");
        foreach (var endpoint in Endpoints)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  {endpoint}: ");
            text.AppendJoin(", ", Outcomes(endpoint).OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} x{o.Value}"));
        }

        return text.ToString();
    }

    /// <summary>Per second, per endpoint, each outcome: the timeline of an outage.</summary>
    public string DescribeTimeline()
    {
        var text = new StringBuilder();
        foreach (var second in _counts.Keys.Select(key => key.Second).Distinct().Order())
        {
            text.Append(CultureInfo.InvariantCulture, $"{second,3}s");
            foreach (var endpoint in Endpoints)
            {
                var outcomes = Outcomes(endpoint, second, second + 1);
                text.Append(CultureInfo.InvariantCulture, $" | {endpoint} ");
                text.AppendJoin(' ', outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}:{o.Value}"));
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}

/// <summary>
/// A closed-loop load generator on raw HTTP/1.1 connections (<see cref="RawHttpConnection"/>): each virtual user sends a
/// request, waits for the answer, sends the next. Nothing is retried, so every request that a dying or draining process
/// drops is counted, which is the strict measure the reliability targets are stated in.
/// </summary>
public static class HttpLoad
{
    public static async Task<LoadReport> RunAsync(
        int port,
        int users,
        TimeSpan duration,
        Func<LoadUser, LoadRequest> nextRequest,
        TimeSpan? requestTimeout = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nextRequest);
        var report = new LoadReport();
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        var timeout = requestTimeout ?? TimeSpan.FromSeconds(10);
        await Task.WhenAll(Enumerable.Range(0, users).Select(index =>
            Task.Run(() => RunUserAsync(port, new LoadUser(index), nextRequest, timeout, report, clock, stop.Token), CancellationToken.None)));
        report.Duration = clock.Elapsed;
        return report;
    }

    private static async Task RunUserAsync(int port, LoadUser user, Func<LoadUser, LoadRequest> nextRequest, TimeSpan timeout,
        LoadReport report, Stopwatch clock, CancellationToken stop)
    {
        RawHttpConnection? connection = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var request = nextRequest(user);
                user.Sequence++;
                var second = (int)clock.Elapsed.TotalSeconds;
                using var deadline = new CancellationTokenSource(timeout);
                try
                {
                    connection ??= await RawHttpConnection.ConnectAsync(port, deadline.Token);
                }
                catch (Exception exception) when (exception is System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    report.Count(second, request.Endpoint, LoadFailure.Connect);
                    // Nothing listens (yet): pace the retries instead of spinning on refused connects.
                    await PauseAsync(stop);
                    continue;
                }

                var current = connection;
                string outcome;
                try
                {
                    var response = await current.ExchangeAsync(request.Bytes, deadline.Token);
                    user.Remember(response);
                    outcome = response.Status.ToString(CultureInfo.InvariantCulture);
                    if (response.ServerClosesConnection)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
                catch (RawHttpConnectionBrokenException broken)
                {
                    outcome = !broken.BeforeAnyByte ? LoadFailure.Partial
                        : current.ResponsesReceived > 0 ? LoadFailure.ResetReused
                        : LoadFailure.Reset;
                }
                catch (OperationCanceledException)
                {
                    outcome = LoadFailure.Timeout;
                }
                catch (InvalidDataException)
                {
                    outcome = LoadFailure.Garbled;
                }

                report.Count(second, request.Endpoint, outcome);
                if (LoadReport.IsFailure(outcome) && connection is not null)
                {
                    await connection.DisposeAsync();
                    connection = null;
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task PauseAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), stop);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
