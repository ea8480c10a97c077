namespace ReferenceApp.AppHost.Hosting.Redis;

/// <summary>Which Redis-protocol server a Redis resource turned out to be.</summary>
internal enum RedisServerKind
{
    /// <summary>Configured by a connection string; the AppHost starts nothing.</summary>
    External,

    /// <summary><c>redis-server</c> from PATH.</summary>
    RedisServer,

    /// <summary>Garnet from the repository's dotnet tool manifest.</summary>
    Garnet,
}
