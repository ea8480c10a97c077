using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ReferenceApp.AppHost.Redis;

/// <summary>The system's Redis: external, a local process, or (when publishing) Aspire's Redis container.</summary>
public static class RedisBuilderExtensions
{
    /// <summary>
    /// <c>ConnectionStrings:redis</c> in the AppHost's configuration names an external Redis, which is used as it is. Otherwise
    /// run mode starts <see cref="AddLocalRedis">a local server</see>, and publish mode describes Aspire.Hosting.Redis's
    /// container, so the manifest is deployable. Either way references get <c>ConnectionStrings__{name}</c>.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisServer(this IDistributedApplicationBuilder builder, [ResourceName] string name, RedisServerCommand? server)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name)))
        {
            return builder.AddConnectionString(name);
        }

        return builder.ExecutionContext.IsPublishMode
            ? builder.AddRedis(name)
            : builder.AddLocalRedis(name, server ?? throw new InvalidOperationException($"{name}: no Redis server to run."));
    }

    /// <summary>A Redis-protocol server as a process on 127.0.0.1, healthy once an authenticated PING answers.</summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, [ResourceName] string name, RedisServerCommand server, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(server);
        // No special characters: StackExchange.Redis reads ',' and '=' in a connection string as separators.
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var redis = new LocalRedisResource(name, server, password);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancellationToken) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException($"{name} has no connection string yet."), healthCheck);

        // Garnet's settings file: 0700 directory, written right before each start, deleted once the server answers.
        var garnetConfig = Path.Combine(Path.GetTempPath(), $"referenceapp-{name}-{Guid.NewGuid():N}", "garnet.conf");

        return builder.AddResource(redis)
            .WithEndpoint(port: port, name: LocalRedisResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                foreach (var argument in server.Arguments(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort), garnetConfig))
                {
                    context.Args.Add(argument);
                }
            })
            .WithEnvironment(context => context.EnvironmentVariables[RedisServerCommand.PasswordVariable] = password)
            .WithHealthCheck(healthCheck)
            .WithIconName("Database")
            .OnBeforeResourceStarted(async (_, _, cancellationToken) =>
            {
                if (server.IsGarnet)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(garnetConfig)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    var secret = await password.GetValueAsync(cancellationToken);
                    await File.WriteAllTextAsync(garnetConfig, JsonSerializer.Serialize(new { AuthenticationMode = "Password", Password = secret }), cancellationToken);
                    File.SetUnixFileMode(garnetConfig, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            })
            .OnResourceReady((_, _, _) =>
            {
                DeleteGarnetConfig(garnetConfig);
                return Task.CompletedTask;
            })
            .OnResourceStopped((_, _, _) =>
            {
                DeleteGarnetConfig(garnetConfig);
                return Task.CompletedTask;
            });
    }

    private static void DeleteGarnetConfig(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
