using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Http.Connections.Client;
using ReferenceApp.Testing.Http;

namespace ReferenceApp.RealtimeHub.Tests.Supervised;

/// <summary>
/// One <see cref="SocketsHttpHandler"/> shared by many logical clients, as a pooling HTTP client or a load tool does: any
/// client's request may ride on a connection that another client's first request opened (and so that the Supervisor
/// handed to that client's worker). Each client keeps its own cookies and notes which worker answered each request.
/// </summary>
internal sealed class SharedConnectionPool : IDisposable
{
    private readonly SocketsHttpHandler _handler = new()
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    };

    private readonly HttpMessageInvoker _invoker;

    public SharedConnectionPool() => _invoker = new HttpMessageInvoker(_handler, disposeHandler: false);

    /// <summary>Makes a SignalR client send its HTTP requests through the shared pool, with its own cookie jar.</summary>
    public Action<HttpConnectionOptions> Configure(ClientRecord record) => options =>
    {
        options.Cookies = record.Cookies;
        options.HttpMessageHandlerFactory = _ => new ClientHandler(_invoker, record);
    };

    public void Dispose()
    {
        _invoker.Dispose();
        _handler.Dispose();
    }

    /// <summary>One logical client's cookies and the PIDs in the <c>X-Served-By</c> of its HTTP responses.</summary>
    internal sealed class ClientRecord
    {
        public CookieContainer Cookies { get; } = new();

        public ConcurrentQueue<int> ServedBy { get; } = new();
    }

    /// <summary>Adds the client's cookies, stores what the server sets, and never disposes the shared pool.</summary>
    private sealed class ClientHandler(HttpMessageInvoker shared, ClientRecord record) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            if (record.Cookies.GetCookieHeader(uri) is { Length: > 0 } cookies)
            {
                request.Headers.Add("Cookie", cookies);
            }

            var response = await shared.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    record.Cookies.SetCookies(uri, setCookie);
                }
            }

            if (response.Headers.Contains(ServedBy.HeaderName))
            {
                record.ServedBy.Enqueue(ServedBy.Pid(response));
            }

            return response;
        }
    }
}
