using System.Text.RegularExpressions;

namespace ReferenceApp.AppHost.Hosting.ApplicationModel;

/// <summary>A named part of the distributed application that the AppHost starts, watches and stops.</summary>
public abstract partial class Resource
{
    private readonly List<Resource> _waitFor = [];
    private readonly List<Resource> _references = [];

    protected Resource(string name)
    {
        if (!ValidName().IsMatch(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid resource name: use 1-64 lower-case ASCII letters, digits and single hyphens, starting with a letter (e.g. 'api').",
                nameof(name));
        }

        Name = name;
    }

    public string Name { get; }

    /// <summary>The type shown in the summary and the dashboard: <c>Redis</c>, <c>Project</c>, <c>SupervisedProject</c>.</summary>
    public abstract string Type { get; }

    /// <summary>Resources that must be running before this one starts (<c>WaitFor</c>).</summary>
    public IReadOnlyList<Resource> WaitsFor => _waitFor;

    /// <summary>Resources whose connection string or endpoint this one is given (<c>WithReference</c>).</summary>
    public IReadOnlyList<Resource> References => _references;

    /// <summary>Every resource this one depends on, by <c>WaitFor</c> or <c>WithReference</c>, each once.</summary>
    public IEnumerable<Resource> Dependencies => _waitFor.Concat(_references).Distinct();

    internal void AddWaitFor(Resource resource) => AddOnce(_waitFor, resource);

    internal void AddReference(Resource resource) => AddOnce(_references, resource);

    public override string ToString() => $"{Type} {Name}";

    private void AddOnce(List<Resource> list, Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (ReferenceEquals(resource, this))
        {
            throw new InvalidOperationException($"Resource '{Name}' cannot depend on itself.");
        }

        if (!list.Contains(resource))
        {
            list.Add(resource);
        }
    }

    // Aspire's rule, lower-cased because the name becomes a service name and part of environment variable names.
    [GeneratedRegex("^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,63}$")]
    private static partial Regex ValidName();
}
