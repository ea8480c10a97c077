namespace ReferenceApp.Web.Cluster;

/// <summary>
/// The Supervisor control APIs the Web server may call, by service name, from the <c>Cluster</c> section:
/// <c>Cluster__api__ControlUrl=http://127.0.0.1:PORT</c>, <c>Cluster__api__ControlToken=...</c>. The tokens stay on the
/// server: the browser only ever talks to the Web, which calls the control API on its behalf.
/// </summary>
public sealed class ClusterControlOptions
{
    public const string SectionName = "Cluster";

    public Dictionary<string, SupervisorControlOptions> Supervisors { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Where one Supervisor's control API listens and the bearer token it expects.</summary>
public sealed class SupervisorControlOptions
{
    public Uri? ControlUrl { get; set; }

    public string? ControlToken { get; set; }
}
