using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ReferenceApp.AppHost.Hosting.ApplicationModel;

namespace ReferenceApp.AppHost.Hosting.Monitoring;

/// <summary>Holds the latest snapshot of every resource and tells every watcher about each change.</summary>
internal sealed class ResourceMonitor : IResourceMonitor
{
    // Enough for a burst of changes while a slow watcher catches up; past that the oldest are dropped, the newest kept.
    private const int WatcherBuffer = 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ResourceSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly List<Channel<ResourceSnapshot>> _watchers = [];
    private bool _completed;

    public ResourceMonitor(DistributedApplicationModel model)
    {
        foreach (var resource in model.Resources)
        {
            _order.Add(resource.Name);
            _snapshots[resource.Name] = new ResourceSnapshot(resource.Name, resource.Type, ResourceState.NotStarted, [], [], null, null, 0, null);
        }
    }

    public IReadOnlyList<ResourceSnapshot> GetResources()
    {
        lock (_lock)
        {
            return _order.Select(name => _snapshots[name]).ToArray();
        }
    }

    public ResourceSnapshot Get(string name)
    {
        lock (_lock)
        {
            return _snapshots[name];
        }
    }

    /// <summary>Applies <paramref name="change"/> to the resource's snapshot and publishes the result when something changed.</summary>
    public ResourceSnapshot Update(string name, Func<ResourceSnapshot, ResourceSnapshot> change)
    {
        lock (_lock)
        {
            var before = _snapshots[name];
            var after = change(before);
            if (Same(before, after))
            {
                return before;
            }

            _snapshots[name] = after;
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(after);
            }

            return after;
        }
    }

    public async IAsyncEnumerable<ResourceSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ResourceSnapshot>(new BoundedChannelOptions(WatcherBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_lock)
        {
            foreach (var name in _order)
            {
                channel.Writer.TryWrite(_snapshots[name]);
            }

            if (_completed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                _watchers.Add(channel);
            }
        }

        try
        {
            await foreach (var snapshot in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return snapshot;
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers.Remove(channel);
            }
        }
    }

    /// <summary>Ends every watch: the AppHost is stopping.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryComplete();
            }
        }
    }

    private static bool Same(ResourceSnapshot a, ResourceSnapshot b) =>
        a.State == b.State
        && a.Pids.SequenceEqual(b.Pids)
        && a.Endpoints.SequenceEqual(b.Endpoints)
        && a.StartedAt == b.StartedAt
        && a.ExitCode == b.ExitCode
        && a.Restarts == b.Restarts
        && a.Control == b.Control
        && a.Description == b.Description;
}
