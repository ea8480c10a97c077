using System.Globalization;
using ReferenceApp.AppHost.Hosting.ApplicationModel;
using ReferenceApp.AppHost.Hosting.Processes;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.AppHost.Hosting.Orchestration;

/// <summary>
/// A Supervisor and its workers. Running once every initial worker is Ready and the health check passes through the public
/// port; afterwards healthy while at least one worker is Ready (a rolling reload or a replaced worker is no outage).
/// </summary>
internal sealed class SupervisedProjectRunner(
    SupervisedProjectResource project,
    ProcessSpec spec,
    ProcessOutput output,
    HttpClient http,
    SupervisorControlClient controlClient,
    TimeProvider time)
    : ProjectRunner(project, spec, output, http, time)
{
    // A probe that waits longer than this is better counted as a miss and asked again.
    private static readonly TimeSpan StatusDeadline = TimeSpan.FromSeconds(3);

    private SupervisorStatus? _status;

    public override ControlEndpoint? Control { get; } = new(
        new Uri($"http://127.0.0.1:{project.ControlPort.Allocated.ToString(CultureInfo.InvariantCulture)}/"),
        project.ControlToken ?? throw new InvalidOperationException($"{project.Name} has no control token yet."));

    public override string? Description => _status is { } status
        ? $"{status.ReadyWorkers}/{status.DesiredWorkers} workers ready, {project.Balancing}"
        : $"{project.Workers} workers, {project.Balancing}";

    public override IReadOnlyList<int> Pids => Process is { HasExited: false } process
        ? [process.Pid, .. _status is { } status ? LivePids(status) : []]
        : [];

    public override async Task<bool> ProbeAsync(bool wasRunning, CancellationToken cancellationToken)
    {
        _status = Process is { HasExited: false } ? await ReadStatusAsync(cancellationToken) : null;
        if (_status is not { } status)
        {
            return false;
        }

        var needed = wasRunning ? 1 : Math.Max(1, status.DesiredWorkers);
        return status.ReadyWorkers >= needed && await HttpHealthyAsync(cancellationToken);
    }

    protected override Task<ResourceProcess?> LaunchAsync(CancellationToken cancellationToken)
    {
        _status = null;
        return base.LaunchAsync(cancellationToken);
    }

    /// <summary>The status, or null when the control API does not answer (yet).</summary>
    private async Task<SupervisorStatus?> ReadStatusAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StatusDeadline);
        try
        {
            return await controlClient.GetStatusAsync(Control!, deadline.Token);
        }
        catch (SupervisorControlException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>PIDs of the workers that have a live process (not exited, failed or backing off).</summary>
    private static IEnumerable<int> LivePids(SupervisorStatus status) => status.Workers
        .Where(worker => worker.State is not (WorkerState.Exited or WorkerState.Failed or WorkerState.Backoff))
        .OrderBy(worker => worker.Index)
        .Select(worker => worker.Pid)
        .OfType<int>();
}
