using System.Globalization;

namespace ReferenceApp.AppHost.Hosting.ApplicationModel;

/// <summary>
/// A Redis-protocol server: an external one when a connection string is configured (<c>ConnectionStrings__&lt;name&gt;</c>),
/// else <c>redis-server</c> from PATH, else Garnet from the repository's dotnet tool manifest.
/// </summary>
public sealed class RedisResource(string name) : Resource(name), IResourceWithConnectionString
{
    public override string Type => "Redis";

    /// <summary>The port of an embedded server (0 = free), on 127.0.0.1.</summary>
    public EndpointPort Port { get; } = new();

    /// <summary>A password generated for each run of an embedded server.</summary>
    public string? Password { get; internal set; }

    /// <summary>The connection string given by configuration: when set, the AppHost starts no server.</summary>
    public string? ExternalConnectionString { get; internal set; }

    public string? ConnectionString => ExternalConnectionString
        ?? (Port.Allocated == 0 ? null : $"127.0.0.1:{Port.Allocated.ToString(CultureInfo.InvariantCulture)},password={Password}");
}
