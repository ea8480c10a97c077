using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Handoff;
using ReferenceApp.Testing;
using ReferenceApp.Testing.Http;

namespace ReferenceApp.Supervisor.Tests.Balancing;

/// <summary>
/// Per-request stickiness through a real Supervisor: one keep-alive connection (a client with a single pooled connection)
/// carries requests for both workers. The Supervisor hands the connection to the worker its first request names; the
/// others must still be served by the worker their cookie names, forwarded over that worker's private socket.
/// </summary>
public sealed class StickyForwardingTests
{
    [Fact]
    public async Task Requests_on_one_connection_are_each_served_by_the_worker_their_cookie_names()
    {
        await using var supervisor = await StartAsync();
        var workers = await AffinityAsync(supervisor);
        using var client = OneConnection(supervisor);

        for (var i = 0; i < 20; i++)
        {
            var (id, pid) = workers[i % workers.Count];
            using var response = await client.SendAsync(WithCookie(HttpMethod.Get, "/pid", id));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(pid, int.Parse(await response.Content.ReadAsStringAsync(), System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(pid, ServedBy.Pid(response));
            // A forwarded request keeps the client's cookie: it gets no new one.
            Assert.False(response.Headers.Contains("Set-Cookie"), "a request for a live worker got a new affinity cookie");
        }
    }

    [Fact]
    public async Task WebSocket_upgrade_on_a_connection_held_by_another_worker_reaches_the_worker_its_cookie_names()
    {
        await using var supervisor = await StartAsync();
        var workers = await AffinityAsync(supervisor);
        using var handler = new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 1 };
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        using (var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = supervisor.Public.BaseAddress })
        using (await client.SendAsync(WithCookie(HttpMethod.Get, "/pid", workers[0].Id)))
        {
        }

        // The pool's one connection now belongs to the first worker; the upgrade rides on it and names the second.
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", $"{HandoffProtocol.AffinityCookieName}={workers[1].Id}");
        using var timeout = new CancellationTokenSource(Apps.Deadline);
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{supervisor.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/ws"), invoker, timeout.Token);
        var buffer = new byte[64];
        var received = await socket.ReceiveAsync(buffer, timeout.Token);

        Assert.Equal(workers[1].Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.ASCII.GetString(buffer, 0, received.Count));
        Assert.Equal(System.Net.WebSockets.WebSocketMessageType.Close, (await socket.ReceiveAsync(buffer, timeout.Token)).MessageType);
    }

    [Fact]
    public async Task Large_request_body_is_forwarded_intact()
    {
        await using var supervisor = await StartAsync();
        var workers = await AffinityAsync(supervisor);
        using var client = OneConnection(supervisor);
        var body = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);

        // The connection goes to the first worker; the body is for the second.
        using (await client.SendAsync(WithCookie(HttpMethod.Get, "/pid", workers[0].Id)))
        {
        }

        using var request = WithCookie(HttpMethod.Post, "/hash", workers[1].Id);
        request.Content = new ByteArrayContent(body);
        using var response = await client.SendAsync(request);
        var hash = await response.Content.ReadFromJsonAsync<HashResult>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(workers[1].Pid, hash!.Pid);
        Assert.Equal(body.Length, hash.Length);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(body)), hash.Sha256);
    }

    [Fact]
    public async Task Streaming_response_of_a_forwarded_request_arrives_whole_from_the_worker_named()
    {
        await using var supervisor = await StartAsync();
        var workers = await AffinityAsync(supervisor);
        using var client = OneConnection(supervisor);
        using (await client.SendAsync(WithCookie(HttpMethod.Get, "/pid", workers[0].Id)))
        {
        }

        using var response = await client.SendAsync(WithCookie(HttpMethod.Get, "/stream?chunks=500", workers[1].Id), HttpCompletionOption.ResponseHeadersRead);
        // Chunked as the worker wrote it, not buffered up into one body by the forwarder.
        Assert.True(response.Headers.TransferEncodingChunked);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(500, lines.Length);
        Assert.All(lines.Select((line, i) => (line, i)), pair => Assert.Equal($"chunk {pair.i} from {workers[1].Pid}", pair.line));
    }

    [Fact]
    public async Task Forwarded_request_shows_the_app_the_client_address_host_and_scheme_of_the_arriving_request()
    {
        await using var supervisor = await StartAsync();
        var workers = await AffinityAsync(supervisor);
        using var client = OneConnection(supervisor);

        var direct = await InfoAsync(client, workers[0].Id);
        var forwarded = await InfoAsync(client, workers[1].Id);

        Assert.Equal(workers[0].Pid, direct.Pid);
        Assert.Equal(workers[1].Pid, forwarded.Pid);
        Assert.Equal(direct.RemoteAddress, forwarded.RemoteAddress);
        Assert.Equal("forwarded.example:8443", forwarded.Host);
        Assert.Equal(direct.Host, forwarded.Host);
        Assert.Equal(direct.Scheme, forwarded.Scheme);
        // What a proxy in front put there arrives as it was sent, and the secret never reaches the app.
        Assert.Equal("203.0.113.7", forwarded.ForwardedFor);
        Assert.Equal(direct.ForwardedFor, forwarded.ForwardedFor);
        Assert.Equal(string.Empty, forwarded.ForwardedProto);
        Assert.False(forwarded.SecretHeader);
    }

    [Fact]
    public async Task Forwarded_request_joins_the_callers_trace_with_one_hop_through_the_arriving_worker()
    {
        await using var supervisor = await StartAsync();
        var workers = await AffinityAsync(supervisor);
        using var client = OneConnection(supervisor);
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var spanId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

        var direct = await InfoAsync(client, workers[0].Id, $"00-{traceId}-{spanId}-01");
        var forwarded = await InfoAsync(client, workers[1].Id, $"00-{traceId}-{spanId}-01");

        Assert.Equal((workers[0].Pid, traceId, spanId), (direct.Pid, direct.TraceId, direct.ParentSpanId));
        // Same trace; the serving worker's parent is the arriving worker's HttpClient span, not the caller's span.
        Assert.Equal((workers[1].Pid, traceId), (forwarded.Pid, forwarded.TraceId));
        Assert.NotEqual(spanId, forwarded.ParentSpanId);
        Assert.NotEqual("0000000000000000", forwarded.ParentSpanId);
    }

    [Fact]
    public async Task Private_forwarding_socket_refuses_requests_without_the_workers_secret()
    {
        await using var supervisor = await StartAsync();
        var workers = await AffinityAsync(supervisor);
        using var client = OneConnection(supervisor);
        var info = await InfoAsync(client, workers[0].Id);
        Assert.NotNull(info.ForwardListen);

        foreach (var secret in new[] { null, "0000", new string('a', 64) })
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(info.ForwardListen!));
            var request = "GET /request-info HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.1\r\n"
                + (secret is null ? string.Empty : $"X-ReferenceApp-Forward-Secret: {secret}\r\n") + "Connection: close\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request));
            using var stream = new NetworkStream(socket);
            using var reader = new StreamReader(stream);
            var status = await reader.ReadLineAsync();
            Assert.StartsWith("HTTP/1.1 403", status, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Cookie_of_a_worker_that_is_gone_is_served_where_it_lands_with_a_fresh_cookie()
    {
        await using var supervisor = await StartAsync();
        var workers = await AffinityAsync(supervisor);
        using var client = OneConnection(supervisor);
        using (await client.SendAsync(WithCookie(HttpMethod.Get, "/pid", workers[0].Id)))
        {
        }

        using var response = await client.SendAsync(WithCookie(HttpMethod.Get, "/pid", "0123456789abcdef"));

        Assert.Equal(workers[0].Pid, ServedBy.Pid(response));
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), value => value.StartsWith($"{HandoffProtocol.AffinityCookieName}={workers[0].Id};", StringComparison.Ordinal));
    }

    private static Task<SupervisorProcess> StartAsync() =>
        SupervisorProcess.StartAsync(Apps.TestWorker, workers: 2, arguments: ["--balancing", "Sticky"]);

    /// <summary>A client whose every request rides one keep-alive connection, cookies set by hand per request.</summary>
    private static HttpClient OneConnection(SupervisorProcess supervisor) =>
        new(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 1 }) { BaseAddress = supervisor.Public.BaseAddress, Timeout = Apps.Deadline };

    private static HttpRequestMessage WithCookie(HttpMethod method, string path, string affinityId)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("Cookie", $"theme=dark; {HandoffProtocol.AffinityCookieName}={affinityId}");
        return request;
    }

    private static async Task<RequestInfo> InfoAsync(HttpClient client, string affinityId, string? traceParent = null)
    {
        using var request = WithCookie(HttpMethod.Get, "/request-info", affinityId);
        if (traceParent is not null)
        {
            request.Headers.Add("traceparent", traceParent);
        }

        request.Headers.Host = "forwarded.example:8443";
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RequestInfo>())!;
    }

    /// <summary>Each worker's affinity id and PID, from the cookie it sets on the first request of a fresh connection.</summary>
    private static async Task<IReadOnlyList<(string Id, int Pid)>> AffinityAsync(SupervisorProcess supervisor)
    {
        var found = new Dictionary<int, string>();
        using var fresh = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = supervisor.Public.BaseAddress };
        await Eventually.TrueAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/pid", UriKind.Relative));
            request.Headers.ConnectionClose = true;
            using var response = await fresh.SendAsync(request);
            var cookie = response.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith(HandoffProtocol.AffinityCookieName + "=", StringComparison.Ordinal));
            found[ServedBy.Pid(response)] = cookie[(HandoffProtocol.AffinityCookieName.Length + 1)..].Split(';')[0];
            return found.Count == 2;
        }, Apps.Deadline, "an affinity cookie from both workers");
        var workers = found.OrderBy(pair => pair.Key).Select(pair => (pair.Value, pair.Key)).ToArray();

        // The Supervisor announces the peers as each worker gets ready, a moment after its ready line: wait for that.
        foreach (var (first, second) in new[] { (workers[0], workers[1]), (workers[1], workers[0]) })
        {
            await Eventually.TrueAsync(async () =>
            {
                using var client = OneConnection(supervisor);
                using (await client.SendAsync(WithCookie(HttpMethod.Get, "/pid", first.Value)))
                {
                }

                using var response = await client.SendAsync(WithCookie(HttpMethod.Get, "/pid", second.Value));
                return ServedBy.Pid(response) == second.Key;
            }, Apps.Deadline, $"worker {first.Key} to forward to worker {second.Key}");
        }

        return workers;
    }

    private sealed record HashResult(int Pid, long Length, string Sha256);

    private sealed record RequestInfo(int Pid, string? RemoteAddress, string Scheme, string Host, string ForwardedFor, string ForwardedProto, bool SecretHeader, string? ForwardListen,
        string? TraceId = null, string? ParentSpanId = null);
}
