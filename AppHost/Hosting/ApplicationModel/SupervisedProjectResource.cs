namespace ReferenceApp.AppHost.Hosting.ApplicationModel;

/// <summary>
/// A project run as workers under a Supervisor on one shared port: the AppHost starts the Supervisor, which starts,
/// balances, restarts and reloads the workers.
/// </summary>
public sealed class SupervisedProjectResource(string name, string projectName) : ProjectResource(name, projectName)
{
    /// <summary>The project that implements the Supervisor.</summary>
    public const string SupervisorProject = "Supervisor";

    public override string Type => "SupervisedProject";

    public WorkerCount Workers { get; internal set; } = WorkerCount.PerCore;

    public BalancingMode Balancing { get; internal set; } = BalancingMode.RoundRobin;

    /// <summary>The loopback port of the Supervisor's control API, always a free one.</summary>
    public EndpointPort ControlPort { get; } = new();

    /// <summary>The bearer token of the control API, generated for each run.</summary>
    public string? ControlToken { get; internal set; }
}
