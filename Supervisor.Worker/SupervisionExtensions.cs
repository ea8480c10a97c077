using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferenceApp.Supervisor.Contracts.Hosting;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker;
using ReferenceApp.Supervisor.Worker.Forwarding;
using ReferenceApp.Supervisor.Worker.Handoff;
using ReferenceApp.Supervisor.Worker.Interop;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The worker side of the Supervisor protocol: <c>builder.AddSupervision()</c> and <c>app.UseSupervision()</c>. Both are
/// inert unless a Supervisor launched this process; then Kestrel listens as <c>SUPERVISOR_LISTEN</c> says, the channel client
/// reports ready and heartbeats, sticky requests reach the worker their cookie names, and the worker dies with its Supervisor.
/// </summary>
public static class SupervisionExtensions
{
    public static TBuilder AddSupervision<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<SupervisionPipeline>();
        builder.AddParentWatchdog();
        if (builder.Configuration[WorkerVariables.Listen] is { Length: > 0 } listen)
        {
            SupervisorListen.Configure(builder, listen);
        }

        if (builder.Configuration[WorkerVariables.Channel] is not { Length: > 0 } channel)
        {
            return builder;
        }

        var secret = builder.Configuration[WorkerVariables.ChannelSecret];
        if (string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException(
                $"{WorkerVariables.Channel} is set but {WorkerVariables.ChannelSecret} is not: only a Supervisor should set them, and it sets both.");
        }

        // A second net besides stdin EOF (ParentWatchdog): SIGTERM from the kernel when the Supervisor dies.
        ParentDeathSignal.RequestSigTermOnParentDeath();

        // Ready means healthy: the app's own checks when it has them (AddHealthChecks is idempotent), else just started.
        builder.Services.AddHealthChecks();
        builder.Services.AddSingleton(new SupervisorChannelSettings(channel, secret));
        builder.Services.AddSingleton<RequestCounters>();
        builder.Services.AddHostedService<SupervisorChannelClient>();
        return builder;
    }

    /// <summary>
    /// Puts the worker's middleware first in the pipeline; call it before anything else. In order: <c>Connection: close</c>
    /// while draining, the check of requests forwarded by a peer, routing by affinity cookie, and the in-flight request
    /// count the heartbeats report. Under a policy that needs none of them it adds nothing.
    /// </summary>
    public static TApp UseSupervision<TApp>(this TApp app) where TApp : IApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(app);
        var services = app.ApplicationServices;
        var pipeline = services.GetService<SupervisionPipeline>()
            ?? throw new InvalidOperationException("app.UseSupervision() needs builder.AddSupervision() first.");
        if (services.GetService<HandoffDrain>() is not null)
        {
            app.UseMiddleware<ConnectionCloseWhileDrainingMiddleware>();
        }

        if (services.GetService<ForwardingListenerSettings>() is not null)
        {
            app.UseMiddleware<ForwardedRequestMiddleware>();
        }

        if (services.GetService<AffinityId>() is not null)
        {
            app.UseMiddleware<StickyRoutingMiddleware>();
        }

        if (services.GetService<RequestCounters>() is not null)
        {
            app.UseMiddleware<RequestCountingMiddleware>();
        }

        pipeline.Used = true;
        return app;
    }
}
