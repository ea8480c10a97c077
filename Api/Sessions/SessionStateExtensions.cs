using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using ReferenceApp.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ReferenceApp.Api.Sessions;

/// <summary>
/// ASP.NET Core session on an <see cref="IDistributedCache"/> in Redis, so a visitor's session is the same on every worker.
/// The session cookie is protected with the Data Protection key ring that ServiceDefaults keeps in Redis, so any worker
/// reads a cookie that another issued.
/// </summary>
public static class SessionStateExtensions
{
    /// <summary>Prefix of every session key in Redis.</summary>
    public const string RedisKeyPrefix = "ReferenceApp:session:";

    public static WebApplicationBuilder AddSessionState(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SessionStateOptions>()
            .BindConfiguration(SessionStateOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        if (builder.Configuration.IsRedisConfigured())
        {
            builder.Services.AddStackExchangeRedisCache(_ => { });
            builder.Services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((cache, services) =>
            {
                cache.InstanceName = RedisKeyPrefix;
                // The process's one multiplexer (ServiceDefaults): one connection per worker, with its fail-fast settings.
                // Resolved on first use, not here, because resolving it connects. RedisCache closes it when the container
                // disposes the cache, which happens only at shutdown, after Kestrel has drained the requests.
                cache.ConnectionMultiplexerFactory = () => Task.FromResult(services.GetRequiredService<IConnectionMultiplexer>());
            });
        }
        else
        {
            builder.Services.AddSingleton<IDistributedCache, RedisNotConfiguredCache>();
        }

        builder.Services.AddSession();
        builder.Services.AddOptions<SessionOptions>().Configure<IOptions<SessionStateOptions>>((session, state) =>
        {
            session.Cookie.Name = state.Value.CookieName;
            session.Cookie.HttpOnly = true;
            // Lax: sent on same-site requests, and the Web front end on another port of the same host is same-site
            // (a site is scheme + registrable domain; ports do not count). A front end on another domain needs None + Secure.
            session.Cookie.SameSite = SameSiteMode.Lax;
            session.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // The session is what the endpoints that use it do; it is not optional tracking.
            session.Cookie.IsEssential = true;
            session.IdleTimeout = state.Value.IdleTimeout;
            session.IOTimeout = state.Value.IoTimeout;
        });

        return builder;
    }

    /// <summary>Marks endpoints that use the session; only those run the session middleware.</summary>
    public static TBuilder RequireSessionState<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(SessionStateMetadata.Instance);

    /// <summary>
    /// Runs the session middleware for the endpoints marked with <see cref="RequireSessionState{TBuilder}"/> and no other,
    /// so stateless endpoints never touch the session cookie, Data Protection or Redis, and a Redis outage cannot reach them.
    /// </summary>
    public static WebApplication UseSessionState(this WebApplication app)
    {
        app.UseWhen(
            context => context.GetEndpoint()?.Metadata.GetMetadata<SessionStateMetadata>() is not null,
            branch => branch.UseSession());
        return app;
    }

    private sealed class SessionStateMetadata
    {
        public static readonly SessionStateMetadata Instance = new();
    }
}
