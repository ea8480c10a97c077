using ReferenceApp.AppHost.Hosting.ApplicationModel;

namespace ReferenceApp.AppHost.Hosting;

/// <summary>Adds a Redis-protocol server to the app model.</summary>
public static class RedisBuilderExtensions
{
    /// <summary>
    /// Redis for the services that reference it. When <c>ConnectionStrings:&lt;name&gt;</c> is configured, that server is used
    /// and nothing is started (Aspire's <c>AddConnectionString</c>); otherwise <c>redis-server</c> from PATH, else Garnet from
    /// the repository's tool manifest, with a password generated for the run, on 127.0.0.1 and <paramref name="port"/> (0 = free).
    /// </summary>
    public static IResourceBuilder<RedisResource> AddRedis(this DistributedApplicationBuilder builder, string name, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var redis = new RedisResource(name);
        redis.Port.Requested = port;
        return builder.AddResource(redis);
    }
}
