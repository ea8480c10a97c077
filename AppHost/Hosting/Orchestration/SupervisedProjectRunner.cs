using System.Globalization;
using ReferenceApp.AppHost.Hosting.ApplicationModel;
using ReferenceApp.AppHost.Hosting.Processes;
using ReferenceApp.AppHost.Hosting.Supervision;

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
    private SupervisorStatus? _status;

    public override SupervisorControl? Control { get; } = new(
        new Uri($"http://127.0.0.1:{project.ControlPort.Allocated.ToString(CultureInfo.InvariantCulture)}/"),
        project.ControlToken ?? throw new InvalidOperationException($"{project.Name} has no control token yet."));

    public override string? Description => _status is { } status
        ? $"{status.ReadyWorkers}/{status.DesiredWorkers} workers ready, {project.Balancing}"
        : $"{project.Workers} workers, {project.Balancing}";

    public override IReadOnlyList<int> Pids => Process is { HasExited: false } process
        ? [process.Pid, .. _status?.LivePids ?? []]
        : [];

    public override async Task<bool> ProbeAsync(bool wasRunning, CancellationToken cancellationToken)
    {
        _status = Process is { HasExited: false } ? await controlClient.GetStatusAsync(Control!, cancellationToken) : null;
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
}
