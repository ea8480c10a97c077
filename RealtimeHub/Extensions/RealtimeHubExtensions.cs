using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using ReferenceApp.RealtimeHub.Backplane;
using ReferenceApp.RealtimeHub.Broadcasts;
using ReferenceApp.RealtimeHub.Connections;
using ReferenceApp.RealtimeHub.Contracts;
using ReferenceApp.RealtimeHub.Hubs;
using ReferenceApp.RealtimeHub.Limits;
using ReferenceApp.ServiceDefaults.Cors;
using ReferenceApp.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ReferenceApp.RealtimeHub.Extensions;

public static class RealtimeHubExtensions
{
    /// <summary>SignalR's server-side ActivitySource: one span per hub method invocation.</summary>
    private const string SignalRActivitySource = "Microsoft.AspNetCore.SignalR.Server";

    /// <summary>The service key of the backplane's own Redis connection.</summary>
    private const string BackplaneConnectionName = "redis-backplane";

    public static WebApplicationBuilder AddRealtimeHub(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RealtimeHubOptions>()
            .BindConfiguration(RealtimeHubOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<LocalConnections>();
        builder.Services.AddSingleton<MessageRateLimitFilter>();
        builder.Services.AddSingleton<BackplaneUnavailableFilter>();

        // Filters run in order: a refused (rate-limited) call never reaches Redis.
        var signalR = builder.Services.AddSignalR(hub =>
        {
            hub.AddFilter<MessageRateLimitFilter>();
            hub.AddFilter<BackplaneUnavailableFilter>();
        });
        builder.Services.AddOptions<HubOptions>().Configure<IOptions<RealtimeHubOptions>>((hub, limits) =>
            hub.MaximumReceiveMessageSize = limits.Value.MaximumReceiveMessageBytes);

        if (builder.Configuration.IsRedisConfigured())
        {
            // The backplane gets a connection of its own from Aspire's Redis client, keyed, with ServiceDefaults' settings
            // (fail fast while Redis is down, reconnect and re-subscribe by itself) plus its channel prefix. Not the
            // process's shared multiplexer: a prefix is a property of a multiplexer (the backplane applies none to one it
            // is handed through ConnectionFactory), and the backplane disposes that connection when it is disposed.
            builder.AddKeyedRedisClient(
                BackplaneConnectionName,
                settings =>
                {
                    settings.ConnectionString = builder.Configuration.GetConnectionString(RedisExtensions.ConnectionName);
                    // The process's Redis health check already says whether Redis answers.
                    settings.DisableHealthChecks = true;
                    // Connect when the first hub connection arrives, not at start-up, where a failed connect would stop the worker.
                    settings.DisableAutoActivation = true;
                },
                options =>
                {
                    RedisExtensions.ConfigureClient(options);
                    options.ChannelPrefix = RedisChannel.Literal(RealtimeChannels.BackplanePrefix);
                    options.ClientName += "-backplane";
                    // Unlike the shared multiplexer, fail the first connect when Redis is down. The backplane sets itself up
                    // once (connect, then subscribe to its channels); handed a multiplexer that is not connected yet, its first
                    // subscription throws and it stays half set up (no group-management or ack channel) for the life of the
                    // process. A failed connect instead leaves it unset (the container does not keep a singleton whose factory
                    // threw), and the next hub connection retries it. After the first connect, StackExchange.Redis reconnects
                    // and re-subscribes by itself whatever this flag says.
                    options.AbortOnConnectFail = true;
                });
            signalR.AddStackExchangeRedis();
            builder.Services.AddOptions<RedisOptions>().Configure<IServiceProvider>((redis, services) =>
                redis.ConnectionFactory = _ => Task.FromResult(services.GetRequiredKeyedService<IConnectionMultiplexer>(BackplaneConnectionName)));
            builder.Services.AddHostedService<BroadcastRelay>();
        }

        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(SignalRActivitySource));
        builder.AddWebOriginCors();
        return builder;
    }

    public static WebApplication MapRealtimeHub(this WebApplication app)
    {
        // Every transport, as browsers fall back through them: WebSockets, then server-sent events, then long polling.
        // The message size limit (HubOptions.MaximumReceiveMessageSize) applies to all three: the hub protocol enforces it.
        app.MapHub<ChatHub>(ChatHubContract.Path, connection =>
            connection.Transports = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling);
        return app;
    }
}
