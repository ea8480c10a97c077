using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace ReferenceApp.ServiceDefaults.Redis;

/// <summary>One shared Redis connection, its health check, and the cluster-wide Data Protection key ring.</summary>
public static class RedisExtensions
{
    /// <summary>The connection string name, as Aspire's <c>WithReference(redis)</c> injects it: <c>ConnectionStrings__redis</c>.</summary>
    public const string ConnectionName = "redis";

    /// <summary>One application name for every service, so any process can unprotect any other's cookies.</summary>
    public const string DataProtectionApplicationName = "ReferenceApp";

    public const string DataProtectionKeysKey = "ReferenceApp:DataProtection-Keys";

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

        var connectionString = builder.Configuration.GetConnectionString(ConnectionName)!;

        var options = CreateOptions(connectionString);

        // Connect lazily on first use, never failing start-up: a worker must come up and serve its
        // stateless endpoints while Redis is down, and reconnect by itself when it returns.
        var connection = new Lazy<IConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(options));
        builder.Services.AddSingleton(_ => connection.Value);

        builder.Services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>(ConnectionName, HealthStatus.Degraded, ["ready", "redis"]);

        builder.Services.AddDataProtection()
            .SetApplicationName(DataProtectionApplicationName)
            .PersistKeysToStackExchangeRedis(() => connection.Value.GetDatabase(), DataProtectionKeysKey);

        return builder;
    }

    /// <summary>Client settings for a cluster worker: fail fast while disconnected, keep reconnecting in the background.</summary>
    public static ConfigurationOptions CreateOptions(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 2000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 2000);
        options.ConnectRetry = Math.Max(options.ConnectRetry, 1);
        options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 2000);
        options.ClientName ??= $"{AppDomain.CurrentDomain.FriendlyName}-{Environment.ProcessId}";
        return options;
    }
}
