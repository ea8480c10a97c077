using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Forwarding;

namespace ReferenceApp.Supervisor.Worker.Handoff;

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
                $"{WorkerVariables.Listen} must be handoff:// followed by the absolute path of a Unix domain socket, but was '{listen}'.");
        }

        var secret = builder.Configuration[WorkerVariables.ChannelSecret];
        if (string.IsNullOrWhiteSpace(secret))
        {
            throw new InvalidOperationException(
                $"{WorkerVariables.Listen} asks for connection handoff but {WorkerVariables.ChannelSecret} is not set; " +
                "both are set by the Supervisor that starts this process.");
        }

        builder.Services.AddSingleton(new HandoffSecret(secret));
        builder.Services.AddSingleton<HandoffDrain>();
        builder.Services.AddSingleton<IConnectionListenerFactory, HandoffConnectionListenerFactory>();
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Listen(new HandoffEndPoint(path)));

        if (builder.Configuration[WorkerVariables.AffinityId] is { Length: > 0 } affinity)
        {
            ForwardingListener.Configure(builder, affinity);
        }
    }
}
