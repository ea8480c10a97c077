using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Hosting.ApplicationModel;
using ReferenceApp.AppHost.Hosting.ConsoleLogs;
using ReferenceApp.AppHost.Hosting.Monitoring;

namespace ReferenceApp.AppHost.Hosting.Orchestration;

/// <summary>
/// Starts every resource as soon as the resources it waits for are running, watches its health and its process, and stops
/// everything in reverse dependency order within the stop deadline. Also executes the dashboard's resource commands.
/// </summary>
internal sealed partial class Orchestrator : IHostedLifecycleService, IResourceCommands, IAsyncDisposable
{
    private static readonly TimeSpan StartingProbeInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan RunningProbeInterval = TimeSpan.FromSeconds(2);

    private readonly DistributedApplicationModel _model;
    private readonly LaunchPlanner _planner;
    private readonly ResourceMonitor _monitor;
    private readonly ConsoleLogStore _logs;
    private readonly StartupReport _report;
    private readonly AppHostOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<Orchestrator> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly string[] _startOrder;
    private Dictionary<string, Entry> _entries = [];
    private Task _startup = Task.CompletedTask;

    public Orchestrator(
        DistributedApplicationModel model,
        LaunchPlanner planner,
        ResourceMonitor monitor,
        ConsoleLogStore logs,
        StartupReport report,
        IOptions<AppHostOptions> options,
        TimeProvider time,
        ILogger<Orchestrator> logger)
    {
        _model = model;
        _planner = planner;
        _monitor = monitor;
        _logs = logs;
        _report = report;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _startOrder = model.StartOrder.Select(r => r.Name).ToArray();
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _entries = _planner.Runners.ToDictionary(runner => runner.Resource.Name, runner => new Entry(runner), StringComparer.Ordinal);
        Log.Starting(_logger, _entries.Count, _startOrder);
        foreach (var resource in _model.StartOrder)
        {
            var entry = _entries[resource.Name];
            entry.Lifecycle = Task.Run(() => RunAsync(entry, _stopping.Token), CancellationToken.None);
        }

        _startup = Task.Run(ReportWhenSettledAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Stops every resource before any hosted service stops: the dashboard's Kestrel must still be there while the services
    /// flush their last telemetry to it, or each would wait out its OTLP timeout.
    /// </summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        var deadline = _time.GetUtcNow() + _options.StopTimeout;
        Log.Stopping(_logger, _options.StopTimeoutSeconds);

        // Reverse dependency order: each resource stops once everything that depends on it has stopped.
        var stops = new Dictionary<Resource, Task>();
        foreach (var resource in _model.StartOrder.Reverse())
        {
            var dependents = DependencyGraph.DependentsOf(resource, _model.Resources).Select(d => stops[d]).ToArray();
            stops[resource] = StopAfterAsync(_entries[resource.Name], dependents, deadline);
        }

        await Task.WhenAll(stops.Values);
        await _startup;
        Log.Stopped(_logger);
        _monitor.Complete();
        _logs.Complete();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task RestartAsync(string resource, CancellationToken cancellationToken)
    {
        if (!_entries.TryGetValue(resource, out var entry))
        {
            throw new ArgumentException($"There is no resource '{resource}'; resources: {string.Join(", ", _entries.Keys)}.", nameof(resource));
        }

        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            if (_stopping.IsCancellationRequested)
            {
                throw new InvalidOperationException($"The AppHost is stopping: {resource} is not restarted.");
            }

            Log.Restarting(_logger, resource);
            await StopEntryAsync(entry, _time.GetUtcNow() + _options.StopTimeout);
            entry.Restarts++;
            entry.StopRequested = false;
            if (entry.Ready.Task.IsCompleted)
            {
                entry.Ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            Update(entry, s => s with { Restarts = entry.Restarts });
            entry.Lifecycle = Task.Run(() => RunAsync(entry, _stopping.Token), CancellationToken.None);
            if (!await entry.Ready.Task.WaitAsync(cancellationToken))
            {
                throw new InvalidOperationException($"{resource} did not start again: {_monitor.Get(resource).Description}.");
            }
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var entry in _entries.Values)
        {
            await entry.Runner.DisposeAsync();
            entry.Gate.Dispose();
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(Entry entry, CancellationToken stopping)
    {
        var resource = entry.Runner.Resource;
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        entry.Run = run;
        try
        {
            if (resource.WaitsFor.Count > 0)
            {
                Update(entry, s => s with { State = ResourceState.Waiting, Description = $"waiting for {string.Join(", ", resource.WaitsFor.Select(r => r.Name))}" });
                foreach (var dependency in resource.WaitsFor)
                {
                    if (!await _entries[dependency.Name].Ready.Task.WaitAsync(run.Token))
                    {
                        Fail(entry, null, $"dependency {dependency.Name} did not start");
                        return;
                    }
                }
            }

            await LaunchAndWatchAsync(entry, run.Token);
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            // Stopping or restarting: whoever cancelled sets the state.
        }
#pragma warning disable CA1031 // whatever went wrong, the resource must show it rather than stay "Starting" for ever
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Fail(entry, null, exception.Message);
        }
        finally
        {
            entry.Run = null;
        }
    }

    private async Task LaunchAndWatchAsync(Entry entry, CancellationToken cancellationToken)
    {
        var runner = entry.Runner;
        Update(entry, s => s with
        {
            State = ResourceState.Starting,
            Endpoints = runner.Endpoints,
            Control = runner.Control,
            ExitCode = null,
            Description = runner.Description,
        });
        try
        {
            await runner.StartAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Fail(entry, null, exception.Message);
            return;
        }

        Update(entry, s => s with { Pids = runner.Pids, StartedAt = runner.Process?.StartedAt ?? _time.GetUtcNow() });
        Log.Launched(_logger, runner.Resource.Name, runner.Pids);

        var exited = runner.Exited;
        var wasRunning = false;
        while (!cancellationToken.IsCancellationRequested && !exited.IsCompleted)
        {
            var healthy = await ProbeAsync(runner, wasRunning, cancellationToken);
            if (exited.IsCompleted || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var state = _monitor.Get(runner.Resource.Name).State;
            var next = healthy ? ResourceState.Running : wasRunning ? ResourceState.Unhealthy : ResourceState.Starting;
            Update(entry, s => s with { State = next, Pids = runner.Pids, Description = runner.Description });
            if (next != state)
            {
                LogState(runner, next);
            }

            if (healthy && !wasRunning)
            {
                wasRunning = true;
                entry.Ready.TrySetResult(true);
            }

            // Polling interval for the probes, not synchronisation: the loop wakes at once when the process exits.
            await Task.WhenAny(exited, Task.Delay(wasRunning ? RunningProbeInterval : StartingProbeInterval, cancellationToken));
        }

        if (exited.IsCompleted && !entry.StopRequested && !cancellationToken.IsCancellationRequested)
        {
            var exitCode = await exited;
            if (wasRunning)
            {
                Update(entry, s => s with { State = ResourceState.Exited, ExitCode = exitCode, Pids = [] });
                Log.ExitedUnexpectedly(_logger, runner.Resource.Name, exitCode);
            }
            else
            {
                Fail(entry, exitCode, $"exited with code {exitCode} before it was healthy; see its console output above");
            }
        }
    }

    /// <summary>A probe that throws counts as unhealthy: a health check must not end the watch.</summary>
    private async Task<bool> ProbeAsync(ResourceRunner runner, bool wasRunning, CancellationToken cancellationToken)
    {
        try
        {
            return await runner.ProbeAsync(wasRunning, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.ProbeFailed(_logger, runner.Resource.Name, exception.Message);
            return false;
        }
    }

    private async Task StopAfterAsync(Entry entry, Task[] dependents, DateTimeOffset deadline)
    {
        await Task.WhenAll(dependents);
        await entry.Gate.WaitAsync();
        try
        {
            await StopEntryAsync(entry, deadline);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async Task StopEntryAsync(Entry entry, DateTimeOffset deadline)
    {
        entry.StopRequested = true;
        if (entry.Run is { } run)
        {
            await run.CancelAsync();
        }

        await entry.Lifecycle;
        var runner = entry.Runner;
        if (runner.Process is not { HasExited: false })
        {
            return;
        }

        Update(entry, s => s with { State = ResourceState.Stopping });
        LogState(runner, ResourceState.Stopping);
        var (exitCode, killed) = await runner.StopAsync(deadline - _time.GetUtcNow());
        Update(entry, s => s with { State = ResourceState.Exited, ExitCode = exitCode, Pids = [] });
        if (killed)
        {
            Log.Killed(_logger, runner.Resource.Name);
        }
        else
        {
            Log.StoppedResource(_logger, runner.Resource.Name, exitCode);
        }
    }

    private async Task ReportWhenSettledAsync()
    {
        try
        {
            var results = await Task.WhenAll(_entries.Values.Select(e => e.Ready.Task)).WaitAsync(_stopping.Token);
            _report.Print(allRunning: results.All(ready => ready));
        }
        catch (OperationCanceledException)
        {
            // Stopped before every resource settled.
        }
    }

    private void Fail(Entry entry, int? exitCode, string reason)
    {
        Update(entry, s => s with { State = ResourceState.FailedToStart, ExitCode = exitCode, Pids = [], Description = reason });
        Log.FailedToStart(_logger, entry.Runner.Resource.Name, reason);
        entry.Ready.TrySetResult(false);
    }

    private void LogState(ResourceRunner runner, ResourceState state) =>
        Log.StateChanged(_logger, runner.Resource.Name, state, runner.Endpoints, runner.Pids);

    private void Update(Entry entry, Func<ResourceSnapshot, ResourceSnapshot> change) => _monitor.Update(entry.Runner.Resource.Name, change);

    /// <summary>The orchestrator's bookkeeping for one resource.</summary>
    private sealed class Entry(ResourceRunner runner)
    {
        public ResourceRunner Runner { get; } = runner;

        /// <summary>True once running in the current run; false when it failed to start. Dependents wait on it.</summary>
        public TaskCompletionSource<bool> Ready { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Lifecycle { get; set; } = Task.CompletedTask;

        public CancellationTokenSource? Run { get; set; }

        public bool StopRequested { get; set; }

        public int Restarts { get; set; }

        /// <summary>One stop or restart at a time.</summary>
        public SemaphoreSlim Gate { get; } = new(1, 1);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "Starting", Level = LogLevel.Information, Message = "Starting {Count} resources in dependency order: {Order}")]
        public static partial void Starting(ILogger logger, int count, IEnumerable<string> order);

        [LoggerMessage(EventId = 2, EventName = "Launched", Level = LogLevel.Debug, Message = "{Resource} launched (pid {Pids})")]
        public static partial void Launched(ILogger logger, string resource, IEnumerable<int> pids);

        [LoggerMessage(EventId = 3, EventName = "StateChanged", Level = LogLevel.Information, Message = "{Resource} is {State} {Endpoints} (pids {Pids})")]
        public static partial void StateChanged(ILogger logger, string resource, ResourceState state, IEnumerable<string> endpoints, IEnumerable<int> pids);

        [LoggerMessage(EventId = 4, EventName = "FailedToStart", Level = LogLevel.Error, Message = "{Resource} failed to start: {Reason}")]
        public static partial void FailedToStart(ILogger logger, string resource, string reason);

        [LoggerMessage(EventId = 5, EventName = "ExitedUnexpectedly", Level = LogLevel.Error, Message = "{Resource} exited unexpectedly with code {ExitCode}")]
        public static partial void ExitedUnexpectedly(ILogger logger, string resource, int exitCode);

        [LoggerMessage(EventId = 6, EventName = "Stopping", Level = LogLevel.Information, Message = "Stopping every resource in reverse dependency order (deadline {Seconds} s)")]
        public static partial void Stopping(ILogger logger, int seconds);

        [LoggerMessage(EventId = 7, EventName = "ResourceStopped", Level = LogLevel.Information, Message = "{Resource} stopped (exit code {ExitCode})")]
        public static partial void StoppedResource(ILogger logger, string resource, int? exitCode);

        [LoggerMessage(EventId = 8, EventName = "Killed", Level = LogLevel.Warning, Message = "{Resource} did not stop within the deadline and was killed with its process tree")]
        public static partial void Killed(ILogger logger, string resource);

        [LoggerMessage(EventId = 9, EventName = "Stopped", Level = LogLevel.Information, Message = "Every resource stopped")]
        public static partial void Stopped(ILogger logger);

        [LoggerMessage(EventId = 11, EventName = "ProbeFailed", Level = LogLevel.Warning, Message = "Health probe of {Resource} failed: {Reason}")]
        public static partial void ProbeFailed(ILogger logger, string resource, string reason);

        [LoggerMessage(EventId = 10, EventName = "Restarting", Level = LogLevel.Information, Message = "Restarting {Resource}")]
        public static partial void Restarting(ILogger logger, string resource);
    }
}
