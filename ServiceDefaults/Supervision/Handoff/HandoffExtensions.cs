using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ReferenceApp.ServiceDefaults.Supervision.Handoff;

/// <summary>Makes Kestrel take its connections from the Supervisor when <c>SUPERVISOR_LISTEN=handoff://…</c>.</summary>
public static class HandoffExtensions
{
    /// <summary>Inert unless a Supervisor asked for connection handoff.</summary>
    public static TBuilder AddConnectionHandoff<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!HandoffProtocol.TryParseListenAddress(builder.Configuration[HandoffProtocol.ListenVariable], out var path))
        {
            return builder;
        }

        var secret = builder.Configuration[HandoffProtocol.SecretVariable];
        if (string.IsNullOrWhiteSpace(secret))
        {
            throw new InvalidOperationException(
                $"{HandoffProtocol.ListenVariable} asks for connection handoff but {HandoffProtocol.SecretVariable} is not set; " +
                "both are set by the Supervisor that starts this process.");
        }

        builder.Services.AddSingleton(new HandoffSecret(secret));
        builder.Services.AddSingleton<IConnectionListenerFactory, HandoffConnectionListenerFactory>();
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Listen(new HandoffEndPoint(path)));

        if (builder.Configuration[HandoffProtocol.AffinityIdVariable] is { Length: > 0 } affinity)
        {
            builder.Services.AddSingleton(new AffinityId(affinity));
            builder.Services.AddTransient<IStartupFilter, AffinityCookieStartupFilter>();
        }

        return builder;
    }
}
