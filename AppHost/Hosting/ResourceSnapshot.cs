using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.AppHost.Hosting;

/// <summary>One resource at one moment: what the console summary prints and the dashboard lists.</summary>
/// <param name="Name">The resource name from the app model, e.g. <c>api</c>.</param>
/// <param name="Type">What kind of resource it is: <c>Redis</c>, <c>SupervisedProject</c> or <c>Project</c>.</param>
/// <param name="State">Where it is in its lifecycle.</param>
/// <param name="Pids">
/// The process the AppHost started first (a Supervisor for a supervised project), then, for a supervised project,
/// the PIDs of its workers as the Supervisor last reported them. Empty when nothing runs.
/// </param>
/// <param name="Endpoints">Where a client reaches it, e.g. <c>http://localhost:5080</c> or <c>tcp://127.0.0.1:6379</c>.</param>
/// <param name="StartedAt">When its current (or last) process started.</param>
/// <param name="ExitCode">The exit code of its last process, once that process has ended.</param>
/// <param name="Restarts">How many times it was restarted through <see cref="IResourceCommands"/>.</param>
/// <param name="Control">The Supervisor control API of a supervised project; null for any other resource.</param>
public sealed record ResourceSnapshot(
    string Name,
    string Type,
    ResourceState State,
    IReadOnlyList<int> Pids,
    IReadOnlyList<string> Endpoints,
    DateTimeOffset? StartedAt,
    int? ExitCode,
    int Restarts,
    ControlEndpoint? Control)
{
    /// <summary>A short human note on the state, e.g. <c>Garnet 2.2.8</c> or <c>dependency redis failed</c>; null when there is none.</summary>
    public string? Description { get; init; }
}
