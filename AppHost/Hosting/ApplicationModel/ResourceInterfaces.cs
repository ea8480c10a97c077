namespace ReferenceApp.AppHost.Hosting.ApplicationModel;

/// <summary>A resource others reach through a connection string (<c>ConnectionStrings__&lt;name&gt;</c>).</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }

    /// <summary>The connection string, once the resource knows it (after the AppHost has planned its launch).</summary>
    string? ConnectionString { get; }
}

/// <summary>A resource with one HTTP endpoint others discover through <c>services__&lt;name&gt;__http__0</c>.</summary>
public interface IResourceWithHttpEndpoint
{
    string Name { get; }

    /// <summary>The HTTP endpoint, e.g. <c>http://localhost:5080</c>, once its port is allocated.</summary>
    Uri? HttpEndpoint { get; }
}

/// <summary>A resource whose process is given environment variables (<c>WithEnvironment</c>).</summary>
public interface IResourceWithEnvironment
{
    string Name { get; }

    /// <summary>Extra variables set by <c>WithEnvironment</c>; they win over the AppHost's contract.</summary>
    IDictionary<string, string> Environment { get; }
}
