using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace ReferenceApp.ServiceDefaults.Redis;

/// <summary>The process's Redis client (Aspire.StackExchange.Redis), its health check, and the cluster-wide Data Protection key ring.</summary>
public static class RedisExtensions
{
    /// <summary>The connection string name, as Aspire's <c>WithReference(redis)</c> injects it: <c>ConnectionStrings__redis</c>.</summary>
    public const string ConnectionName = "redis";

    /// <summary>One application name for every service, so any process can unprotect any other's cookies.</summary>
    public const string DataProtectionApplicationName = "ReferenceApp";

    public const string DataProtectionKeysKey = "ReferenceApp:DataProtection-Keys";

    private static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(2);

    /// <summary>True when <c>ConnectionStrings:redis</c> is set, so <see cref="IConnectionMultiplexer"/> is registered.</summary>
    public static bool IsRedisConfigured(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionName));

    /// <summary>Registers Redis when <c>ConnectionStrings:redis</c> is set; otherwise does nothing and the app runs without state.</summary>
    public static TBuilder AddRedisIfConfigured<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (!builder.Configuration.IsRedisConfigured())
        {
            return builder;
        }

        // Aspire's client makes the one multiplexer, connects it while the host starts, and traces and logs its commands.
        // With Redis down that connect neither fails (AbortOnConnectFail=false) nor waits (ConnectRetry=1): it returns a
        // disconnected multiplexer that reconnects by itself. Its health check, though, reports Unhealthy, and the Supervisor
        // recycles an Unhealthy worker: no use while Redis is down, and it would cost the stateless endpoints their traffic.
        // The same check is registered below as Degraded.
        builder.AddRedisClient(ConnectionName, settings => settings.DisableHealthChecks = true, ConfigureClient);

        builder.Services.AddHealthChecks().AddRedis(
            services => services.GetRequiredService<IConnectionMultiplexer>(),
            ConnectionName,
            HealthStatus.Degraded,
            ["ready", "redis"],
            HealthCheckTimeout);

        builder.Services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((keys, services) =>
            keys.XmlRepository = new RedisXmlRepository(() => services.GetRequiredService<IConnectionMultiplexer>().GetDatabase(), DataProtectionKeysKey));

        return builder;
    }

    /// <summary>Client settings for a cluster worker: fail fast while disconnected, keep reconnecting in the background.</summary>
    public static void ConfigureClient(ConfigurationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 2000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 2000);
        // One connect attempt at start-up: each further one waits out ConnectTimeout while Redis is down (3 attempts held
        // start-up for 4 s), and the reconnect policy below keeps trying in the background anyway.
        options.ConnectRetry = 1;
        options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 2000);
        options.ClientName ??= $"{AppDomain.CurrentDomain.FriendlyName}-{Environment.ProcessId}";
    }
}
