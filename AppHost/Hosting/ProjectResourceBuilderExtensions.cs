using ReferenceApp.AppHost.Hosting.ApplicationModel;

namespace ReferenceApp.AppHost.Hosting;

/// <summary>Adds projects of this solution to the app model, run plainly or as supervised per-core workers.</summary>
public static class ProjectResourceBuilderExtensions
{
    /// <summary>Runs <paramref name="projectName"/> (the project's folder and assembly name) as one process.</summary>
    public static IResourceBuilder<ProjectResource> AddProject(this DistributedApplicationBuilder builder, string name, string projectName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ProjectResource(name, projectName));
    }

    /// <summary>Runs <paramref name="projectName"/> as workers under a Supervisor on one shared port: one per core unless <c>WithWorkers</c> says otherwise.</summary>
    public static IResourceBuilder<SupervisedProjectResource> AddSupervisedProject(this DistributedApplicationBuilder builder, string name, string projectName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new SupervisedProjectResource(name, projectName));
    }

    /// <summary>The HTTP port on localhost: fixed (the AppHost fails clearly when it is taken) or 0 for a free one.</summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int port) where T : ProjectResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        builder.Resource.Port.Requested = port;
        return builder;
    }

    /// <summary>The resource is running only once <c>GET <paramref name="path"/></c> answers 2xx, and unhealthy while it does not.</summary>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string path = "/health") where T : ProjectResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"A health check path starts with '/', e.g. \"/health\"; got \"{path}\".", nameof(path));
        }

        builder.Resource.HealthCheckPath = path;
        return builder;
    }

    public static IResourceBuilder<SupervisedProjectResource> WithWorkers(this IResourceBuilder<SupervisedProjectResource> builder, WorkerCount workers)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Workers = workers;
        return builder;
    }

    public static IResourceBuilder<SupervisedProjectResource> WithWorkers(this IResourceBuilder<SupervisedProjectResource> builder, int workers) =>
        builder.WithWorkers(WorkerCount.Of(workers));

    public static IResourceBuilder<SupervisedProjectResource> WithBalancing(this IResourceBuilder<SupervisedProjectResource> builder, BalancingMode mode)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown balancing mode.");
        }

        builder.Resource.Balancing = mode;
        return builder;
    }

    /// <summary>The balancing mode by name (<c>ReusePort</c>, <c>RoundRobin</c>, <c>Sticky</c>), case-insensitive.</summary>
    public static IResourceBuilder<SupervisedProjectResource> WithBalancing(this IResourceBuilder<SupervisedProjectResource> builder, string mode) =>
        Enum.TryParse<BalancingMode>(mode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? builder.WithBalancing(parsed)
            : throw new ArgumentException($"Unknown balancing mode '{mode}': use one of {string.Join(", ", Enum.GetNames<BalancingMode>())}.", nameof(mode));
}
