using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferenceApp.ServiceDefaults.Interop;

namespace ReferenceApp.ServiceDefaults.Supervision;

/// <summary>
/// The worker side of the Supervisor protocol. Inert unless a Supervisor launched this process: then Kestrel listens as
/// <c>SUPERVISOR_LISTEN</c> says, the channel client reports ready and heartbeats, and the worker dies with its Supervisor.
/// </summary>
public static class SupervisionExtensions
{
    public static TBuilder AddSupervision<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (builder.Configuration[SupervisorListen.Variable] is { Length: > 0 } listen)
        {
            SupervisorListen.Configure(builder, listen);
        }

        if (builder.Configuration[SupervisorChannelSettings.ChannelVariable] is not { Length: > 0 } channel)
        {
            return builder;
        }

        var secret = builder.Configuration[SupervisorChannelSettings.SecretVariable];
        if (string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException(
                $"{SupervisorChannelSettings.ChannelVariable} is set but {SupervisorChannelSettings.SecretVariable} is not: only a Supervisor should set them, and it sets both.");
        }

        // A second net besides stdin EOF (ParentWatchdog): SIGTERM from the kernel when the Supervisor dies.
        ParentDeathSignal.RequestSigTermOnParentDeath();

        builder.Services.AddSingleton(new SupervisorChannelSettings(channel, secret));
        builder.Services.AddSingleton<RequestCounters>();
        builder.Services.AddTransient<IStartupFilter, RequestCountingStartupFilter>();
        builder.Services.AddHostedService<SupervisorChannelClient>();
        return builder;
    }
}
