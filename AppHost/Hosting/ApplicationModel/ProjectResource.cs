using System.Globalization;

namespace ReferenceApp.AppHost.Hosting.ApplicationModel;

/// <summary>A project of this solution run as one process (<c>dotnet exec &lt;Project&gt;.dll</c>) on one HTTP port.</summary>
public class ProjectResource(string name, string projectName) : Resource(name), IResourceWithHttpEndpoint, IResourceWithEnvironment
{
    /// <summary>The project's folder and assembly name, e.g. <c>Web</c>.</summary>
    public string ProjectName { get; } = string.IsNullOrWhiteSpace(projectName)
        ? throw new ArgumentException("A project resource needs the project's name, e.g. \"Api\".", nameof(projectName))
        : projectName;

    public override string Type => "Project";

    /// <summary>The HTTP port on localhost (0 = free).</summary>
    public EndpointPort Port { get; } = new();

    /// <summary>The path probed for readiness (<c>WithHttpHealthCheck</c>), or null: running as soon as the process is up.</summary>
    public string? HealthCheckPath { get; internal set; }

    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public Uri? HttpEndpoint => Port.Allocated == 0 ? null : new Uri($"http://localhost:{Port.Allocated.ToString(CultureInfo.InvariantCulture)}");
}
