using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferenceApp.ServiceDefaults.Supervision.Forwarding;

namespace ReferenceApp.ServiceDefaults.Supervision.Handoff;

/// <summary>
/// Makes Kestrel take its connections from the Supervisor (<c>SUPERVISOR_LISTEN=handoff://&lt;socket path&gt;</c>) instead of
/// binding a port, and, under sticky balancing, routes each request by its affinity cookie (<see cref="ForwardingListener"/>).
/// </summary>
internal static class HandoffListener
{
    public static void Configure(IHostApplicationBuilder builder, string listen)
    {
        if (!HandoffProtocol.TryParseListenAddress(listen, out var path) || !Path.IsPathFullyQualified(path))
        {
            throw new InvalidOperationException(
                $"{HandoffProtocol.ListenVariable} must be handoff:// followed by the absolute path of a Unix domain socket, but was '{listen}'.");
        }

        var secret = builder.Configuration[HandoffProtocol.SecretVariable];
        if (string.IsNullOrWhiteSpace(secret))
        {
            throw new InvalidOperationException(
                $"{HandoffProtocol.ListenVariable} asks for connection handoff but {HandoffProtocol.SecretVariable} is not set; " +
                "both are set by the Supervisor that starts this process.");
        }

        builder.Services.AddSingleton(new HandoffSecret(secret));
        builder.Services.AddSingleton<HandoffDrain>();
        builder.Services.AddTransient<IStartupFilter, HandoffDrainStartupFilter>();
        builder.Services.AddSingleton<IConnectionListenerFactory, HandoffConnectionListenerFactory>();
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Listen(new HandoffEndPoint(path)));

        if (builder.Configuration[HandoffProtocol.AffinityIdVariable] is { Length: > 0 } affinity)
        {
            ForwardingListener.Configure(builder, affinity);
        }
    }
}
