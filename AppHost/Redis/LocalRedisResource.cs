using Aspire.Hosting.ApplicationModel;

namespace ReferenceApp.AppHost.Redis;

/// <summary>
/// A Redis-protocol server run as a plain process on 127.0.0.1 (no container engine needed): Debian's redis-server, or
/// Garnet from the repository's tool manifest. Its password is generated per run and never on a command line.
/// </summary>
public sealed class LocalRedisResource(string name, RedisServerCommand server, ParameterResource password)
    : ExecutableResource(name, server.Command, server.WorkingDirectory), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    /// <summary>Which server runs and how.</summary>
    public RedisServerCommand Server { get; } = server;

    public ParameterResource Password { get; } = password;

    public EndpointReference PrimaryEndpoint => field ??= new(this, PrimaryEndpointName);

    /// <summary><c>127.0.0.1:P,password=…</c>, the StackExchange.Redis form Aspire's Redis resource hands on too.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={Password}");

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties()
    {
        yield return new("Host", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Host)}"));
        yield return new("Port", ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Port)}"));
        yield return new("Password", ReferenceExpression.Create($"{Password}"));
    }
}
