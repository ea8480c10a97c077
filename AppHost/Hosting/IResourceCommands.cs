namespace ReferenceApp.AppHost.Hosting;

/// <summary>Commands on resources, as the dashboard's actions call them. Worker-level actions go to the Supervisor control API.</summary>
public interface IResourceCommands
{
    /// <summary>
    /// Stops the resource gracefully (within the stop deadline) and starts it again with the same environment and ports;
    /// completes when it is running again. Throws <see cref="ArgumentException"/> for an unknown resource.
    /// </summary>
    Task RestartAsync(string resource, CancellationToken cancellationToken);
}
