using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ReferenceApp.ServiceDefaults.Supervision.Handoff;

/// <summary>This worker's affinity id, as the sticky Supervisor routes by it.</summary>
internal sealed record AffinityId(string Value);

/// <summary>
/// Under sticky balancing, gives every client that does not yet carry this worker's id the affinity cookie, so the
/// Supervisor sends its next connections (SignalR negotiate, then long polling, SSE or WebSockets) to this worker.
/// </summary>
internal sealed class AffinityCookieMiddleware(RequestDelegate next, AffinityId affinity)
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
        if (!string.Equals(context.Request.Cookies[HandoffProtocol.AffinityCookieName], affinity.Value, StringComparison.Ordinal))
        {
            // OnStarting, so the cookie survives the exception handler clearing headers before an error response.
            context.Response.OnStarting(static state =>
            {
                var (response, value) = ((HttpResponse, string))state;
                response.Cookies.Append(HandoffProtocol.AffinityCookieName, value, Options);
                return Task.CompletedTask;
            }, (context.Response, affinity.Value));
        }

        return next(context);
    }
}

/// <summary>Puts <see cref="AffinityCookieMiddleware"/> at the front of the pipeline.</summary>
internal sealed class AffinityCookieStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<AffinityCookieMiddleware>();
        next(app);
    };
}
