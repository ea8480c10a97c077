namespace ReferenceApp.AppHost.Hosting;

/// <summary>The lifecycle state of a resource, as the console summary and the dashboard show it (Aspire's names).</summary>
public enum ResourceState
{
    /// <summary>Declared in the model; the AppHost has not tried to start it yet.</summary>
    NotStarted,

    /// <summary>Waiting for the resources it <c>WaitFor</c>s to be running.</summary>
    Waiting,

    /// <summary>Its process is up but its health check has not passed yet.</summary>
    Starting,

    /// <summary>Up and healthy.</summary>
    Running,

    /// <summary>Was running, but its health check now fails.</summary>
    Unhealthy,

    /// <summary>Its process ended (see <see cref="ResourceSnapshot.ExitCode"/>): stopped by the AppHost, or unexpectedly.</summary>
    Exited,

    /// <summary>Could not be started: the process did not launch, ended before it became healthy, or a dependency failed.</summary>
    FailedToStart,

    /// <summary>The AppHost is stopping it gracefully.</summary>
    Stopping,
}
