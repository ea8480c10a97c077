using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Handoff;

namespace ReferenceApp.Supervisor.Worker.Tests.Handoff;

/// <summary>
/// The worker side of connection handoff, with the test playing the Supervisor: it owns the public port, accepts, and
/// passes each accepted socket to an in-process Kestrel over the handoff socket.
/// </summary>
public sealed class HandoffTransportTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly string _directory = Directory.CreateTempSubdirectory("ra-handoff-test-").FullName;
    private readonly string _secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly TcpListener _publicPort = new(IPAddress.Loopback, 0);
    private Socket _handoffListener = null!;
    private string _handoffPath = null!;

    public Task InitializeAsync()
    {
        _publicPort.Start();
        _handoffPath = Path.Combine(_directory, "w0.handoff");
        _handoffListener = HandoffChannel.CreateSocket();
        _handoffListener.Bind(new UnixDomainSocketEndPoint(_handoffPath));
        _handoffListener.Listen(1);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Dispose();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _publicPort.Dispose();
        _handoffListener?.Dispose();
    }

    [Fact]
    public async Task Connection_passed_as_a_descriptor_is_served_by_kestrel_with_keep_alive()
    {
        await using var worker = await StartWorkerAsync();
        using var channel = await AcceptWorkerAsync();
        using var client = new HttpClient { BaseAddress = PublicAddress, Timeout = Deadline };

        var request = client.GetStringAsync(new Uri("/hello", UriKind.Relative));
        await HandOverNextConnectionAsync(channel);
        Assert.Equal($"hello from {Environment.ProcessId}", await request);

        // The same connection carries the next request straight to the worker: nothing to accept or hand over.
        Assert.Equal($"hello from {Environment.ProcessId}", await client.GetStringAsync(new Uri("/hello", UriKind.Relative)));
    }

    [Fact]
    public async Task Several_connections_in_one_message_are_all_served()
    {
        await using var worker = await StartWorkerAsync();
        using var channel = await AcceptWorkerAsync();

        var clients = Enumerable.Range(0, 5).Select(_ => new TcpClient()).ToArray();
        var accepted = new List<Socket>();
        try
        {
            foreach (var client in clients)
            {
                await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_publicPort.LocalEndpoint).Port);
                accepted.Add(await _publicPort.AcceptSocketAsync());
            }

            Assert.Equal(HandoffResult.Done, channel.Send(accepted.Select(socket => (SafeHandle)socket.SafeHandle).ToArray()));
            foreach (var socket in accepted)
            {
                socket.Dispose();
            }

            foreach (var client in clients)
            {
                var response = await RawGetAsync(client.GetStream());
                Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Wrong_secret_is_refused_by_the_supervisor_end()
    {
        using var impostor = HandoffChannel.CreateSocket();
        await impostor.ConnectAsync(new UnixDomainSocketEndPoint(_handoffPath));
        await impostor.SendAsync(HandoffProtocol.Hello("not-the-secret"));

        using var timeout = new CancellationTokenSource(Deadline);
        Assert.Null(await HandoffChannel.AcceptAsync(_handoffListener, _secret, timeout.Token));
    }

    [Fact]
    public async Task Stopped_worker_refuses_further_handoffs_so_the_supervisor_can_pick_another()
    {
        var worker = await StartWorkerAsync();
        using var channel = await AcceptWorkerAsync();
        await worker.StopAsync();
        await worker.DisposeAsync();

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_publicPort.LocalEndpoint).Port);
        using var accepted = await _publicPort.AcceptSocketAsync();
        Assert.Equal(HandoffResult.Closed, channel.Send([accepted.SafeHandle]));

        // Nothing was passed: the connection is still ours, whole and usable.
        Assert.True(accepted.Connected);
    }

    [Fact]
    public async Task Affinity_cookie_is_set_only_when_the_request_lacks_this_workers_id()
    {
        await using var worker = await StartWorkerAsync(affinityId: "a1b2c3d4");
        using var channel = await AcceptWorkerAsync();
        using var handler = new HttpClientHandler { UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = PublicAddress, Timeout = Deadline };

        var first = client.GetAsync(new Uri("/hello", UriKind.Relative));
        await HandOverNextConnectionAsync(channel);
        using (var response = await first)
        {
            Assert.Contains("referenceapp-affinity=a1b2c3d4; path=/; samesite=lax; httponly", response.Headers.GetValues("Set-Cookie"));
        }

        using var carrying = new HttpRequestMessage(HttpMethod.Get, new Uri("/hello", UriKind.Relative));
        carrying.Headers.Add("Cookie", "other=1; referenceapp-affinity=a1b2c3d4");
        using (var response = await client.SendAsync(carrying))
        {
            Assert.False(response.Headers.Contains("Set-Cookie"));
        }

        using var stale = new HttpRequestMessage(HttpMethod.Get, new Uri("/hello", UriKind.Relative));
        stale.Headers.Add("Cookie", "referenceapp-affinity=deadworker");
        using (var response = await client.SendAsync(stale))
        {
            Assert.Contains("referenceapp-affinity=a1b2c3d4; path=/; samesite=lax; httponly", response.Headers.GetValues("Set-Cookie"));
        }
    }

    [Fact]
    public async Task Without_affinity_id_no_cookie_is_set()
    {
        await using var worker = await StartWorkerAsync();
        using var channel = await AcceptWorkerAsync();
        using var client = new HttpClient { BaseAddress = PublicAddress, Timeout = Deadline };

        var request = client.GetAsync(new Uri("/hello", UriKind.Relative));
        await HandOverNextConnectionAsync(channel);
        using var response = await request;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private Uri PublicAddress => new($"http://127.0.0.1:{((IPEndPoint)_publicPort.LocalEndpoint).Port}");

    private async Task<WebApplication> StartWorkerAsync(string? affinityId = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration[WorkerVariables.Listen] = HandoffProtocol.FormatListenAddress(_handoffPath);
        builder.Configuration[WorkerVariables.ChannelSecret] = _secret;
        builder.Configuration[WorkerVariables.AffinityId] = affinityId;
        builder.AddSupervision();
        var app = builder.Build();
        app.UseSupervision();
        app.MapGet("/hello", () => $"hello from {Environment.ProcessId}");
        await app.StartAsync();
        return app;
    }

    private async Task<HandoffChannel> AcceptWorkerAsync()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        return await HandoffChannel.AcceptAsync(_handoffListener, _secret, timeout.Token)
            ?? throw new InvalidOperationException("The worker presented the wrong secret.");
    }

    private async Task HandOverNextConnectionAsync(HandoffChannel channel)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        using var accepted = await _publicPort.AcceptSocketAsync(timeout.Token);
        Assert.Equal(HandoffResult.Done, channel.Send([accepted.SafeHandle]));
    }

    private static async Task<string> RawGetAsync(NetworkStream stream)
    {
        await stream.WriteAsync("GET /hello HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"u8.ToArray());
        using var reader = new StreamReader(stream);
        using var timeout = new CancellationTokenSource(Deadline);
        return await reader.ReadToEndAsync(timeout.Token);
    }
}
