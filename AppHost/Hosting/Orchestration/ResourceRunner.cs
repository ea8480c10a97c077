using ReferenceApp.AppHost.Hosting.ApplicationModel;
using ReferenceApp.AppHost.Hosting.Processes;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.AppHost.Hosting.Orchestration;

/// <summary>How one kind of resource is launched, probed and stopped; the <see cref="Orchestrator"/> drives its lifecycle.</summary>
internal abstract class ResourceRunner(Resource resource) : IAsyncDisposable
{
    private static readonly Task<int> Never = new TaskCompletionSource<int>().Task;

    public Resource Resource { get; } = resource;

    /// <summary>The current (or last) process; null before the first start and for a resource the AppHost does not run.</summary>
    public ResourceProcess? Process { get; private set; }

    /// <summary>Completes with the exit code when the current process ends; never for a resource without a process.</summary>
    public Task<int> Exited => Process?.Exited ?? Never;

    public virtual IReadOnlyList<string> Endpoints => [];

    public virtual ControlEndpoint? Control => null;

    /// <summary>A short note for the summary and the dashboard, e.g. <c>Garnet 2.2.8</c>.</summary>
    public virtual string? Description => null;

    public virtual IReadOnlyList<int> Pids => Process is { HasExited: false } process ? [process.Pid] : [];

    /// <summary>Launches a fresh process (the previous one, if any, must have been stopped).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await DisposeProcessAsync();
        Process = await LaunchAsync(cancellationToken);
    }

    /// <summary>True when healthy. <paramref name="wasRunning"/>: it has been healthy in this run before.</summary>
    public abstract Task<bool> ProbeAsync(bool wasRunning, CancellationToken cancellationToken);

    /// <summary>Graceful stop within <paramref name="deadline"/>, then kill; null exit code when there was no process.</summary>
    public async Task<(int? ExitCode, bool Killed)> StopAsync(TimeSpan deadline)
    {
        if (Process is null)
        {
            return (null, false);
        }

        var (exitCode, killed) = await Process.StopAsync(deadline);
        return (exitCode, killed);
    }

    public virtual async ValueTask DisposeAsync() => await DisposeProcessAsync();

    protected abstract Task<ResourceProcess?> LaunchAsync(CancellationToken cancellationToken);

    private async Task DisposeProcessAsync()
    {
        if (Process is { } process)
        {
            await process.DisposeAsync();
        }
    }
}
