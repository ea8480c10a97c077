using Microsoft.Extensions.Options;

namespace ReferenceApp.AppHost.Dashboard.Telemetry;

/// <summary>
/// Logs, traces and metrics in memory, bounded per resource (service.name), oldest evicted first. One lock guards it:
/// receivers decode outside it and only append inside, readers copy out what they show, so exports from many processes
/// at once stay correct and cheap. Subscribers hear about changes after the lock is released.
/// </summary>
public sealed partial class TelemetryStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ResourceTelemetry> _resources = new(StringComparer.Ordinal);
    private readonly TelemetryLimits _limits;
    private readonly TimeProvider _time;
    private Action<TelemetryChange>[] _subscribers = [];
    private long _sequence;

    public TelemetryStore(IOptions<DashboardOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limits = options.Value.Telemetry;
        _time = time;
    }

    /// <summary>Calls <paramref name="onChange"/> after every change, on the thread that made it; keep it short.</summary>
    public IDisposable Subscribe(Action<TelemetryChange> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (_lock)
        {
            _subscribers = [.. _subscribers, onChange];
        }

        return new Subscription(this, onChange);
    }

    /// <summary>Every resource that has sent telemetry, by name.</summary>
    public IReadOnlyList<ResourceTelemetrySummary> GetResources()
    {
        lock (_lock)
        {
            return _resources.Values
                .OrderBy(resource => resource.Name, StringComparer.Ordinal)
                .Select(resource => new ResourceTelemetrySummary(
                    resource.Name,
                    resource.Instances.Values.OrderBy(instance => instance.Source.InstanceId, StringComparer.Ordinal)
                        .ThenBy(instance => instance.Source.Pid).Select(instance => instance.Source).ToArray(),
                    resource.Logs.Count,
                    resource.Spans.Count,
                    resource.Instruments.Count))
                .ToArray();
        }
    }

    private void Notify(TelemetryChange change)
    {
        if (change == TelemetryChange.None)
        {
            return;
        }

        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber(change);
        }
    }

    /// <summary>The store's record of <paramref name="source"/>'s resource, created if there is room; call under the lock.</summary>
    private ResourceTelemetry? Resource(TelemetrySource source, ref TelemetryChange change)
    {
        if (!_resources.TryGetValue(source.ServiceName, out var resource))
        {
            if (_resources.Count >= _limits.MaxResources)
            {
                return null;
            }

            resource = new ResourceTelemetry(source.ServiceName, _limits);
            _resources.Add(source.ServiceName, resource);
            change |= TelemetryChange.Resources;
        }

        return resource;
    }

    /// <summary>
    /// One shared <see cref="TelemetrySource"/> per process, so thousands of records point at one object; call under the lock.
    /// </summary>
    private TelemetrySource Canonical(ResourceTelemetry resource, TelemetrySource source, ref TelemetryChange change)
    {
        var key = new InstanceKey(source.InstanceId, source.Pid);
        var now = _time.GetUtcNow();
        if (resource.Instances.TryGetValue(key, out var known))
        {
            known.LastSeen = now;
            return known.Source;
        }

        if (resource.Instances.Count >= ResourceTelemetry.MaxInstances)
        {
            var stalest = resource.Instances.MinBy(pair => pair.Value.LastSeen).Key;
            resource.Instances.Remove(stalest);
        }

        resource.Instances.Add(key, new InstanceRecord(source) { LastSeen = now });
        change |= TelemetryChange.Resources;
        return source;
    }

    private readonly record struct InstanceKey(string InstanceId, int? Pid);

    private sealed class InstanceRecord(TelemetrySource source)
    {
        public TelemetrySource Source { get; } = source;

        public DateTimeOffset LastSeen { get; set; }
    }

    /// <summary>Everything kept for one service.name.</summary>
    private sealed class ResourceTelemetry(string name, TelemetryLimits limits)
    {
        /// <summary>Processes remembered per resource; a crash-looping worker must not grow this without bound.</summary>
        public const int MaxInstances = 256;

        public string Name { get; } = name;

        public Dictionary<InstanceKey, InstanceRecord> Instances { get; } = [];

        public RingBuffer<LogEntry> Logs { get; } = new(limits.MaxLogsPerResource);

        public RingBuffer<SpanEntry> Spans { get; } = new(limits.MaxSpansPerResource);

        public Dictionary<string, InstrumentRecord> Instruments { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Subscription(TelemetryStore store, Action<TelemetryChange> onChange) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            lock (store._lock)
            {
                store._subscribers = [.. store._subscribers.Where(subscriber => !ReferenceEquals(subscriber, onChange))];
            }
        }
    }
}
