using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Forwarding;

/// <summary>Where this worker listens for requests its peers forward (from <see cref="WorkerVariables.ForwardListen"/>).</summary>
internal sealed record ForwardingListenerSettings(string SocketPath);

/// <summary>
/// Wires sticky routing per request into a worker under the Sticky policy: the cookie router, the forwarder, the peer
/// address book the Supervisor fills, and (when the Supervisor names one) the private forwarding socket Kestrel listens on.
/// </summary>
internal static class ForwardingListener
{
    public static void Configure(IHostApplicationBuilder builder, string affinityId)
    {
        builder.Services.AddSingleton(new AffinityId(affinityId));
        builder.Services.AddSingleton<PeerAddressBook>();
        builder.Services.AddSingleton<ForwardingMetrics>();
        builder.Services.AddSingleton<PeerForwarder>();
        builder.Services.AddHttpForwarder();
        builder.Services.AddOptions<ForwardingOptions>().BindConfiguration(ForwardingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // A Supervisor of an older build names no forwarding socket: then this worker routes by cookie as before and never forwards.
        if (builder.Configuration[WorkerVariables.ForwardListen] is not { Length: > 0 } path)
        {
            return;
        }

        if (!Path.IsPathFullyQualified(path) || builder.Configuration[WorkerVariables.ForwardSecret] is not { Length: > 0 } secret)
        {
            throw new InvalidOperationException(
                $"{WorkerVariables.ForwardListen} must be the absolute path of a Unix domain socket and {WorkerVariables.ForwardSecret} must be set with it " +
                $"(the Supervisor sets both), but {WorkerVariables.ForwardListen} was '{path}'.");
        }

        builder.Services.AddSingleton(new ForwardingListenerSettings(path));
        builder.Services.AddSingleton(new ForwardingSecret(secret));
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.ListenUnixSocket(path, listen =>
            listen.Use(next => connection =>
            {
                connection.Features.Set(PeerConnectionFeature.Instance);
                return next(connection);
            })));
    }
}
