using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Web.Cluster;

/// <summary>
/// Polls every Supervisor's status and Redis once a second while at least one page watches, and tells the watching
/// components what changed. One poller for every open page, so ten tabs cost the Supervisors no more than one.
/// </summary>
public sealed partial class ClusterMonitor(
    ClusterControl control,
    RedisProbe redis,
    TimeProvider time,
    ILogger<ClusterMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Lock _gate = new();
    private readonly List<Action<ClusterSnapshot>> _watchers = [];
    private readonly Dictionary<(string Service, int Index), int> _lastPids = [];

    public ClusterSnapshot Current { get; private set; } = ClusterSnapshot.Empty;

    /// <summary>The services with a configured control API.</summary>
    public IReadOnlyList<string> Services => control.Services;

    /// <summary>Calls <paramref name="onChange"/> after every poll until the returned handle is disposed.</summary>
    public IDisposable Watch(Action<ClusterSnapshot> onChange)
    {
        lock (_gate)
        {
            _watchers.Add(onChange);
        }

        RequestRefresh();
        return new Subscription(this, onChange);
    }

    /// <summary>Polls now rather than at the next tick, e.g. right after a command.</summary>
    public void RequestRefresh()
    {
        lock (_gate)
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
    }

    /// <summary>Adds an event of the Web's own (a command a person sent) to the timeline.</summary>
    public void Record(ClusterEvent clusterEvent)
    {
        lock (_gate)
        {
            Current = Current with { Events = ClusterTimeline.Append(Current.Events, [clusterEvent]) };
        }

        Publish(Current);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            bool watched;
            lock (_gate)
            {
                watched = _watchers.Count > 0;
            }

            if (watched)
            {
                await PollAsync(stoppingToken);
                await _wake.WaitAsync(Interval, stoppingToken);
            }
            else
            {
                await _wake.WaitAsync(stoppingToken);
            }
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var redisCheck = redis.CheckAsync(cancellationToken);
        var services = await Task.WhenAll(control.Services.Select(service => ReadAsync(service, cancellationToken)));
        var redisState = await redisCheck;
        var at = time.GetUtcNow();

        ClusterSnapshot snapshot;
        lock (_gate)
        {
            var previous = Current;
            var events = previous.IsLoaded
                ? services.SelectMany(service => ClusterTimeline.Diff(previous.Service(service.Name), service, at,
                    index => _lastPids.TryGetValue((service.Name, index), out var pid) ? pid : null)).ToList()
                : [];
            foreach (var service in services)
            {
                foreach (var worker in service.Status?.Workers ?? [])
                {
                    if (worker.Pid is { } pid)
                    {
                        _lastPids[(service.Name, worker.Index)] = pid;
                    }
                }
            }

            if (previous.IsLoaded && previous.Redis.Health != redisState.Health && redisState.Health != RedisHealth.Unknown)
            {
                events.Add(new ClusterEvent(at, "redis", null, ClusterEventKind.StateChanged,
                    redisState.Health == RedisHealth.Up ? "Redis is back" : $"Redis is down: {redisState.Detail}"));
            }

            snapshot = new ClusterSnapshot(at, services, redisState, ClusterTimeline.Append(previous.Events, events));
            Current = snapshot;
        }

        Publish(snapshot);
    }

    private async Task<SupervisedService> ReadAsync(string service, CancellationToken cancellationToken)
    {
        try
        {
            return new SupervisedService(service, await control.GetStatusAsync(service, cancellationToken), null);
        }
        catch (SupervisorControlException exception)
        {
            // The page already says that the Supervisor does not answer: tell why, or what it answered instead.
            var reason = exception.StatusCode is null ? exception.Problem : exception.Message;
            Log.StatusUnavailable(logger, service, reason);
            return new SupervisedService(service, null, reason);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.StatusUnavailable(logger, service, "no answer within 2 s");
            return new SupervisedService(service, null, "no answer within 2 s");
        }
    }

    private void Publish(ClusterSnapshot snapshot)
    {
        Action<ClusterSnapshot>[] watchers;
        lock (_gate)
        {
            watchers = [.. _watchers];
        }

        foreach (var watcher in watchers)
        {
            watcher(snapshot);
        }
    }

    private void Unwatch(Action<ClusterSnapshot> onChange)
    {
        lock (_gate)
        {
            _watchers.Remove(onChange);
        }
    }

    private sealed class Subscription(ClusterMonitor monitor, Action<ClusterSnapshot> onChange) : IDisposable
    {
        public void Dispose() => monitor.Unwatch(onChange);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SupervisorStatusUnavailable, EventName = nameof(EventIds.SupervisorStatusUnavailable), Level = LogLevel.Debug,
            Message = "The {Service} Supervisor's status could not be read: {Reason}")]
        public static partial void StatusUnavailable(ILogger logger, string service, string reason);
    }
}
