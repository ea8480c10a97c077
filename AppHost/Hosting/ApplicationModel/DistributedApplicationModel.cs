namespace ReferenceApp.AppHost.Hosting.ApplicationModel;

/// <summary>The resources of the application as built: declaration order, and the order they start in.</summary>
public sealed class DistributedApplicationModel
{
    public DistributedApplicationModel(IReadOnlyList<Resource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        Resources = resources;
        StartOrder = DependencyGraph.StartOrder(resources);
    }

    /// <summary>In declaration order, as the summary and the dashboard list them.</summary>
    public IReadOnlyList<Resource> Resources { get; }

    /// <summary>Every dependency before its dependents.</summary>
    public IReadOnlyList<Resource> StartOrder { get; }
}
