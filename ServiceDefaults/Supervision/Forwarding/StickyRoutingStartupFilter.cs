using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace ReferenceApp.ServiceDefaults.Supervision.Forwarding;

/// <summary>
/// Puts sticky routing at the front of the pipeline: first the check of requests from the private forwarding socket, then
/// the routing by cookie. A forwarded request never reaches this worker's own X-Served-By or request counter: the peer
/// that serves it stamps and counts it.
/// </summary>
internal sealed class StickyRoutingStartupFilter(ForwardingListenerSettings? listener = null) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (listener is not null)
        {
            app.UseMiddleware<ForwardedRequestMiddleware>();
        }

        app.UseMiddleware<StickyRoutingMiddleware>();
        next(app);
    };
}
