namespace ReferenceApp.AppHost.Hosting.ApplicationModel;

/// <summary>The order the resources start in (dependencies first) and stop in (dependents first).</summary>
public static class DependencyGraph
{
    /// <summary>
    /// The resources with every dependency before its dependents, otherwise in declaration order.
    /// Throws <see cref="InvalidOperationException"/> naming the cycle when there is one, or a dependency missing from the model.
    /// </summary>
    public static IReadOnlyList<Resource> StartOrder(IReadOnlyList<Resource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var ordered = new List<Resource>(resources.Count);
        var done = new HashSet<Resource>();
        var path = new List<Resource>();
        foreach (var resource in resources)
        {
            Visit(resource, resources, ordered, done, path);
        }

        return ordered;
    }

    /// <summary>The reverse of <see cref="StartOrder"/>: nothing stops before the resources that depend on it.</summary>
    public static IReadOnlyList<Resource> StopOrder(IReadOnlyList<Resource> resources) => StartOrder(resources).Reverse().ToArray();

    /// <summary>The resources that depend on <paramref name="resource"/> directly.</summary>
    public static IReadOnlyList<Resource> DependentsOf(Resource resource, IReadOnlyList<Resource> resources) =>
        resources.Where(candidate => candidate.Dependencies.Contains(resource)).ToArray();

    private static void Visit(Resource resource, IReadOnlyList<Resource> model, List<Resource> ordered, HashSet<Resource> done, List<Resource> path)
    {
        if (done.Contains(resource))
        {
            return;
        }

        var index = path.IndexOf(resource);
        if (index >= 0)
        {
            var cycle = path.Skip(index).Append(resource).Select(r => r.Name);
            throw new InvalidOperationException(
                $"The app model has a dependency cycle: {string.Join(" -> ", cycle)}. Remove one of these WaitFor/WithReference calls.");
        }

        if (!model.Contains(resource))
        {
            var dependent = path.Count > 0 ? path[^1].Name : "?";
            throw new InvalidOperationException(
                $"Resource '{dependent}' depends on '{resource.Name}', which was not added to this application builder.");
        }

        path.Add(resource);
        foreach (var dependency in resource.Dependencies)
        {
            Visit(dependency, model, ordered, done, path);
        }

        path.RemoveAt(path.Count - 1);
        done.Add(resource);
        ordered.Add(resource);
    }
}
