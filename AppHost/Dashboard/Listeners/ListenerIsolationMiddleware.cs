using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace ReferenceApp.AppHost.Dashboard.Listeners;

/// <summary>
/// Runs after routing. (1) An endpoint answers only on its own port: OTLP is not reachable on the UI port, and neither
/// the UI nor login on an OTLP port. (2) The receiver's own requests are never traced or counted, whatever telemetry the
/// host enables: a receiver that traced its exports would export those traces to itself, forever.
/// </summary>
internal sealed class ListenerIsolationMiddleware(RequestDelegate next, IOptions<DashboardOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var arrivedOn = DashboardListeners.SurfaceOf(options.Value, context.Connection.LocalPort);
        var endpoint = context.GetEndpoint();
        var belongsTo = endpoint?.Metadata.GetMetadata<DashboardSurfaceMetadata>()?.Surface ?? DashboardSurface.Ui;

        if (arrivedOn is { } surface && surface != DashboardSurface.Ui)
        {
            SuppressTelemetry(context);
        }

        // On an OTLP port, a path that matched nothing gets 404 here rather than falling through to UI middleware.
        if (arrivedOn is { } port && (port != belongsTo || (endpoint is null && port != DashboardSurface.Ui)))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        return next(context);
    }

    private static void SuppressTelemetry(HttpContext context)
    {
        if (Activity.Current is { } activity)
        {
            // OpenTelemetry neither records nor exports an activity whose data is not requested.
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }

        if (context.Features.Get<IHttpMetricsTagsFeature>() is { } metrics)
        {
            metrics.MetricsDisabled = true;
        }
    }
}
