using ReferenceApp.AppHost.Hosting.ApplicationModel;

namespace ReferenceApp.AppHost.Hosting;

/// <summary>The Aspire-shaped verbs that connect resources: <c>WithReference</c>, <c>WaitFor</c>, <c>WithEnvironment</c>.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Gives the resource <c>ConnectionStrings__&lt;source&gt;</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : Resource, IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        builder.Resource.AddReference(AsResource(source.Resource));
        return builder;
    }

    /// <summary>Gives the resource <c>services__&lt;source&gt;__http__0</c>, the source's HTTP endpoint, for service discovery.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithHttpEndpoint> source)
        where T : Resource, IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        builder.Resource.AddReference(AsResource(source.Resource));
        return builder;
    }

    /// <summary>Starts the resource only once <paramref name="dependency"/> is running (healthy); stops it before the dependency.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        builder.Resource.AddWaitFor(dependency.Resource);
        return builder;
    }

    /// <summary>Sets an environment variable of the resource's process; it wins over the AppHost's own variables.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : class, IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        builder.Resource.Environment[name] = value;
        return builder;
    }

    private static Resource AsResource(object resource) => resource as Resource
        ?? throw new ArgumentException($"{resource} is not a resource of this app model.", nameof(resource));
}
