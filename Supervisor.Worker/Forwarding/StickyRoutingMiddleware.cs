using Microsoft.AspNetCore.Http;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Handoff;

namespace ReferenceApp.Supervisor.Worker.Forwarding;

/// <summary>This worker's affinity id, as the sticky Supervisor routes by it.</summary>
internal sealed record AffinityId(string Value);

/// <summary>
/// Sticky routing per request. The Supervisor hands a whole connection to the worker its first request names; when that
/// connection carries other clients' requests too (a proxy's keep-alive pool, a pooling HTTP client), a request whose
/// cookie names another live worker is forwarded to it. A request without a cookie, or naming no live worker, is served
/// here and gets this worker's cookie. The fast path (the cookie names this worker) reads the cookie and nothing else here.
/// </summary>
internal sealed class StickyRoutingMiddleware(RequestDelegate next, AffinityId affinity, PeerAddressBook peers, PeerForwarder forwarder)
{
    private static readonly CookieOptions Options = new()
    {
        Path = "/",
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        IsEssential = true,
    };

    public Task InvokeAsync(HttpContext context)
    {
        var cookie = context.Request.Cookies[HandoffProtocol.AffinityCookieName];
        var arrivedFromPeer = cookie is not null && !string.Equals(cookie, affinity.Value, StringComparison.Ordinal)
            && context.Features.Get<PeerConnectionFeature>() is not null;
        return AffinityRouter.Decide(cookie, affinity.Value, arrivedFromPeer, peers, out var peer) switch
        {
            AffinityRoute.Serve => next(context),
            AffinityRoute.Forward => ForwardAsync(context, peer!),
            _ => ServeAndClaim(context),
        };
    }

    private async Task ForwardAsync(HttpContext context, ForwardingPeer peer)
    {
        if (!await forwarder.ForwardAsync(context, peer))
        {
            await ServeAndClaim(context);
        }
    }

    private Task ServeAndClaim(HttpContext context)
    {
        // OnStarting, so the cookie survives the exception handler clearing headers before an error response.
        context.Response.OnStarting(static state =>
        {
            var (response, value) = ((HttpResponse, string))state;
            response.Cookies.Append(HandoffProtocol.AffinityCookieName, value, Options);
            return Task.CompletedTask;
        }, (context.Response, affinity.Value));
        return next(context);
    }
}
