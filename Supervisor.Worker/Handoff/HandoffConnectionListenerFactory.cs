using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Worker.Handoff;

/// <summary>
/// Kestrel transport for <see cref="HandoffEndPoint"/>: connections arrive as descriptors from the Supervisor and are
/// served by Kestrel's own socket connection code, so after the handoff they behave exactly like accepted ones.
/// </summary>
internal sealed class HandoffConnectionListenerFactory(
    HandoffSecret secret,
    HandoffDrain drain,
    IOptions<SocketTransportOptions> socketOptions,
    ILoggerFactory loggerFactory) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is HandoffEndPoint;

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not HandoffEndPoint handoff)
        {
            throw new NotSupportedException($"{endpoint} is not a {nameof(HandoffEndPoint)}.");
        }

        HandoffChannel channel;
        try
        {
            channel = await HandoffChannel.ConnectAsync(handoff.Path, secret.Value, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException exception)
        {
            throw new InvalidOperationException(
                $"Cannot connect to the Supervisor's handoff socket {handoff.Path} ({exception.SocketErrorCode}). " +
                $"{WorkerVariables.Listen} names a socket only the Supervisor that started this process creates.", exception);
        }

        var options = socketOptions.Value;
        var factoryOptions = new SocketConnectionFactoryOptions
        {
            IOQueueCount = options.IOQueueCount,
            WaitForDataBeforeAllocatingBuffer = options.WaitForDataBeforeAllocatingBuffer,
            MaxReadBufferSize = options.MaxReadBufferSize,
            MaxWriteBufferSize = options.MaxWriteBufferSize,
            UnsafePreferInlineScheduling = options.UnsafePreferInlineScheduling,
        };
        var connections = new SocketConnectionContextFactory(factoryOptions, loggerFactory.CreateLogger<SocketConnectionContextFactory>());
        return new HandoffConnectionListener(handoff, channel, connections, drain, options.NoDelay, loggerFactory.CreateLogger<HandoffConnectionListener>());
    }
}

/// <summary>The worker's per-process secret, presented on the handoff socket.</summary>
internal sealed record HandoffSecret(string Value);
