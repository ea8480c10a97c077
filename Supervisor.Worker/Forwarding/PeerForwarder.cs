using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Forwarding;

/// <summary>
/// Sends one request to the peer worker its affinity cookie names, over that peer's private Unix domain socket, with
/// YARP's <see cref="IHttpForwarder"/>: bodies and responses stream both ways, WebSocket upgrades become a tunnel. One
/// pooled <see cref="HttpMessageInvoker"/> serves every peer (each peer is its own "host", so its own connection pool).
/// </summary>
internal sealed partial class PeerForwarder : IDisposable
{
    private readonly IHttpForwarder _forwarder;
    private readonly ForwardingMetrics _metrics;
    private readonly ILogger<PeerForwarder> _logger;
    private readonly HttpMessageInvoker _invoker;
    private readonly ForwarderRequestConfig _config;

    public PeerForwarder(IHttpForwarder forwarder, ForwardingMetrics metrics, IOptions<ForwardingOptions> options, ILogger<PeerForwarder> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _forwarder = forwarder;
        _metrics = metrics;
        _logger = logger;
        var settings = options.Value;
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ConnectTimeout = settings.ConnectTimeout,
            // The trace continues from this worker's span: one hop, with this process's HttpClient span as the parent.
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
            ConnectCallback = ConnectAsync,
        });
        // HTTP/1.1 on the private socket: no TLS there, so no HTTP/2 negotiation, and upgrades (WebSockets) work as is.
        _config = new ForwarderRequestConfig
        {
            ActivityTimeout = settings.ActivityTimeout,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    /// <summary>
    /// Forwards the request; false when the peer could not be reached before anything was sent or received (it just
    /// died), so the caller can still serve the request here.
    /// </summary>
    public async Task<bool> ForwardAsync(HttpContext context, ForwardingPeer peer)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(peer);
        var error = await _forwarder.SendAsync(context, "http://" + peer.AffinityId + "/", _invoker, _config, new PeerRequestTransformer(peer));
        if (error == ForwarderError.None)
        {
            _metrics.Forwarded();
            return true;
        }

        var exception = context.GetForwarderErrorFeature()?.Exception;
        if (error == ForwarderError.Request && !context.Response.HasStarted && IsUnreachable(exception))
        {
            _metrics.ServedLocally();
            Log.PeerUnreachable(_logger, peer.AffinityId, peer.ProcessId, exception!.Message);
            context.Response.Clear();
            return false;
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-exchange (a closed SSE stream, an abandoned poll): the request was forwarded.
            _metrics.Forwarded();
            Log.ClientAborted(_logger, peer.AffinityId, error);
            return true;
        }

        _metrics.Failed();
        Log.ForwardFailed(_logger, peer.AffinityId, peer.ProcessId, error, exception?.Message ?? "no detail");
        return true;
    }

    public void Dispose() => _invoker.Dispose();

    private static bool IsUnreachable(Exception? exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(PeerRequestTransformer.PeerKey, out var peer))
        {
            throw new InvalidOperationException("A forwarded request lost its peer on the way to the connect callback.");
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(peer.SocketPath), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ForwardPeerUnreachable, EventName = nameof(EventIds.ForwardPeerUnreachable), Level = LogLevel.Information,
            Message = "Peer {AffinityId} (pid {PeerPid}) is unreachable, serving the request here: {Problem}")]
        public static partial void PeerUnreachable(ILogger logger, string affinityId, int peerPid, string problem);

        [LoggerMessage(EventId = EventIds.ForwardFailed, EventName = nameof(EventIds.ForwardFailed), Level = LogLevel.Warning,
            Message = "Forwarding a request to peer {AffinityId} (pid {PeerPid}) failed ({Error}): {Problem}")]
        public static partial void ForwardFailed(ILogger logger, string affinityId, int peerPid, ForwarderError error, string problem);

        [LoggerMessage(EventId = EventIds.ForwardClientAborted, EventName = nameof(EventIds.ForwardClientAborted), Level = LogLevel.Debug,
            Message = "The client of a request forwarded to peer {AffinityId} went away ({Error})")]
        public static partial void ClientAborted(ILogger logger, string affinityId, ForwarderError error);
    }
}
