using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Forwarder;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Forwarding;

/// <summary>
/// Shapes the request a worker forwards to a peer: every header as it arrived (the original <c>Host</c> included, which
/// YARP's default copies), the arriving worker's view of the client appended to <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c>, and the peer's secret. The peer pops those last entries, so it sees what the arriving worker saw.
/// </summary>
internal sealed class PeerRequestTransformer(ForwardingPeer peer) : HttpTransformer
{
    public const string ForwardedFor = "X-Forwarded-For";
    public const string ForwardedProto = "X-Forwarded-Proto";

    /// <summary>Where the connect callback finds the peer's socket.</summary>
    public static readonly HttpRequestOptionsKey<ForwardingPeer> PeerKey = new("ReferenceApp.ForwardingPeer");

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(proxyRequest);
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

        var headers = proxyRequest.Headers;
        Append(headers, ForwardedFor, httpContext.Request.Headers[ForwardedFor], httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        Append(headers, ForwardedProto, httpContext.Request.Headers[ForwardedProto], httpContext.Request.Scheme);
        headers.Remove(ForwardingProtocol.SecretHeader);
        headers.TryAddWithoutValidation(ForwardingProtocol.SecretHeader, peer.Secret);
        proxyRequest.Options.Set(PeerKey, peer);
    }

    private static void Append(HttpRequestHeaders headers, string name, StringValues existing, string value)
    {
        headers.Remove(name);
        headers.TryAddWithoutValidation(name, StringValues.IsNullOrEmpty(existing) ? value : $"{existing}, {value}");
    }
}
