using Microsoft.AspNetCore.Http;

namespace ReferenceApp.ServiceDefaults.Hosting;

/// <summary>Stamps every response with <c>X-Served-By: service/instance pid=N</c>, so a client sees which worker answered.</summary>
internal sealed class ServedByHeaderMiddleware(RequestDelegate next, WorkerIdentity identity)
{
    public const string HeaderName = "X-Served-By";

    public Task InvokeAsync(HttpContext context)
    {
        // OnStarting rather than setting it now: the exception handler clears headers before it writes an error.
        context.Response.OnStarting(static state =>
        {
            var (response, servedBy) = ((HttpResponse, string))state;
            response.Headers[HeaderName] = servedBy;
            return Task.CompletedTask;
        }, (context.Response, identity.ServedBy));

        return next(context);
    }
}
