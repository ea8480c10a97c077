using System.Globalization;
using Microsoft.AspNetCore.Components;
using ReferenceApp.AppHost.Hosting;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.AppHost.Dashboard.Components.Pages;

/// <summary>
/// Resources live from <see cref="IResourceMonitor"/>; each Supervisor's workers polled from its control API every
/// second while the page is open; actions through <see cref="IResourceCommands"/> and the control API.
/// </summary>
public sealed partial class Resources
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ActionDeadline = TimeSpan.FromMinutes(2);

    private readonly CancellationTokenSource _closed = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, ResourceSnapshot> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SupervisorStatus> _status = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _statusErrors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _scaleTo = new(StringComparer.Ordinal);
    private readonly HashSet<string> _collapsed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _busy = new(StringComparer.Ordinal);
    private (string Text, bool IsError)? _notice;
    private DateTimeOffset _now;

    [Inject]
    private IResourceMonitor Monitor { get; set; } = null!;

    [Inject]
    private IResourceCommands Commands { get; set; } = null!;

    [Inject]
    private SupervisorControlClient Control { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    [Inject]
    private ILogger<Resources> Logger { get; set; } = null!;

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
    }

    protected override void OnInitialized()
    {
        _now = Time.GetUtcNow();
        foreach (var resource in Monitor.GetResources())
        {
            Apply(resource);
        }

        _ = WatchResourcesAsync(_closed.Token);
        _ = PollSupervisorsAsync(_closed.Token);
    }

    private void Apply(ResourceSnapshot resource)
    {
        if (!_resources.ContainsKey(resource.Name))
        {
            _order.Add(resource.Name);
        }

        _resources[resource.Name] = resource;
    }

    private async Task WatchResourcesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var resource in Monitor.WatchAsync(cancellationToken))
            {
                await InvokeAsync(() =>
                {
                    Apply(resource);
                    StateHasChanged();
                });
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            // The page closed.
        }
    }

    private async Task PollSupervisorsAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollInterval, Time);
        try
        {
            do
            {
                ResourceSnapshot[] supervised = [];
                await InvokeAsync(() => supervised = _resources.Values
                    .Where(resource => resource.Control is not null && !_collapsed.Contains(resource.Name))
                    .ToArray());
                var polls = supervised.Select(async resource =>
                {
                    try
                    {
                        return (resource.Name, Status: await Control.GetStatusAsync(resource.Control!, cancellationToken), Error: (string?)null);
                    }
                    catch (SupervisorControlException exception)
                    {
                        return (resource.Name, Status: (SupervisorStatus?)null, Error: exception.Message);
                    }
                });
                var results = await Task.WhenAll(polls);
                await InvokeAsync(() =>
                {
                    _now = Time.GetUtcNow();
                    foreach (var (name, status, error) in results)
                    {
                        if (status is not null)
                        {
                            _status[name] = status;
                            _statusErrors.Remove(name);
                        }
                        else
                        {
                            _status.Remove(name);
                            _statusErrors[name] = error!;
                        }
                    }

                    StateHasChanged();
                });
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            // The page closed.
        }
    }

    private void Toggle(string name)
    {
        if (!_collapsed.Remove(name))
        {
            _collapsed.Add(name);
        }
    }

    private bool IsBusy(string name) => _busy.Contains(name);

    private string ScaleValue(string name, SupervisorStatus status) =>
        _scaleTo.GetValueOrDefault(name) ?? status.DesiredWorkers.ToString(CultureInfo.InvariantCulture);

    private Task RestartResourceAsync(string name) =>
        RunAsync(name, $"Restarting {name}…", $"{name} restarted.", token => Commands.RestartAsync(name, token));

    private Task KillWorkerAsync(ResourceSnapshot resource, WorkerStatus worker) =>
        RunAsync(resource.Name, null, $"Killed {resource.Name}-{worker.Index} (pid {worker.Pid}); the Supervisor replaces it.",
            token => Control.KillWorkerAsync(resource.Control!, worker.Index, token));

    private Task RestartWorkerAsync(ResourceSnapshot resource, WorkerStatus worker) =>
        RunAsync(resource.Name, null, $"Replacing {resource.Name}-{worker.Index} (pid {worker.Pid}) gracefully.",
            token => Control.RestartWorkerAsync(resource.Control!, worker.Index, token));

    /// <summary>
    /// A Supervisor's line comes from the status this page polled itself, the one its worker table shows, so the two never
    /// disagree; the orchestrator's description (from its own, slower health probe) is for everything else.
    /// </summary>
    private static string? Describe(ResourceSnapshot resource, SupervisorStatus? status) => status is null
        ? resource.Description
        : $"{status.ReadyWorkers}/{status.DesiredWorkers} workers ready, {status.Policy}";

    private Task ReloadAsync(ResourceSnapshot resource) =>
        RunAsync(resource.Name, null, $"Rolling reload of {resource.Name} started: one worker at a time.",
            token => Control.ReloadAsync(resource.Control!, token));

    private Task ScaleAsync(ResourceSnapshot resource)
    {
        if (!int.TryParse(_scaleTo.GetValueOrDefault(resource.Name), NumberStyles.None, CultureInfo.InvariantCulture, out var workers)
            && _status.GetValueOrDefault(resource.Name) is { } status)
        {
            workers = status.DesiredWorkers;
        }

        if (workers is < 1 or > 64)
        {
            _notice = ("Workers must be a whole number from 1 to 64.", true);
            return Task.CompletedTask;
        }

        return RunAsync(resource.Name, null, $"Scaling {resource.Name} to {workers} workers.",
            token => Control.ScaleAsync(resource.Control!, workers, token));
    }

    /// <summary>
    /// One action at a time per resource; its outcome, good or bad, is shown at the top of the page. An action runs to
    /// its end even if the page closes: a restart abandoned half-way would leave the resource stopped.
    /// </summary>
    private async Task RunAsync(string name, string? pending, string done, Func<CancellationToken, Task> action)
    {
        _busy.Add(name);
        _notice = pending is null ? null : (pending, false);
        using var deadline = new CancellationTokenSource(ActionDeadline, Time);
        try
        {
            await action(deadline.Token);
            _notice = (done, false);
            Log.ActionDone(Logger, done);
        }
        catch (Exception exception) when (exception is SupervisorControlException or ArgumentException or InvalidOperationException or OperationCanceledException)
        {
            _notice = (exception.Message, true);
            Log.ActionFailed(Logger, name, exception);
        }
        finally
        {
            _busy.Remove(name);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "DashboardActionDone", Level = LogLevel.Information, Message = "Dashboard action: {Outcome}")]
        public static partial void ActionDone(ILogger logger, string outcome);

        [LoggerMessage(EventId = 2, EventName = "DashboardActionFailed", Level = LogLevel.Warning, Message = "Dashboard action on {Resource} failed")]
        public static partial void ActionFailed(ILogger logger, string resource, Exception exception);
    }
}
