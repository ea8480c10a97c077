using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Hosting.ApplicationModel;

namespace ReferenceApp.AppHost.Hosting.ConsoleLogs;

/// <summary>The console output of every resource, a bounded buffer each, with live watchers for the dashboard.</summary>
internal sealed class ConsoleLogStore : IConsoleLogs
{
    private readonly Dictionary<string, ResourceLog> _logs;
    private readonly int _capacity;
    private readonly TimeProvider _time;

    public ConsoleLogStore(DistributedApplicationModel model, IOptions<AppHostOptions> options, TimeProvider time)
    {
        _capacity = options.Value.ConsoleLogLines;
        _time = time;
        _logs = model.Resources.ToDictionary(r => r.Name, _ => new ResourceLog(), StringComparer.Ordinal);
    }

    public void Add(string resource, bool isError, string text)
    {
        var log = _logs[resource];
        lock (log)
        {
            var line = new ConsoleLine(++log.LastSequence, _time.GetUtcNow(), resource, isError, text);
            log.Lines.Enqueue(line);
            while (log.Lines.Count > _capacity)
            {
                log.Lines.Dequeue();
            }

            foreach (var watcher in log.Watchers)
            {
                watcher.Writer.TryWrite(line);
            }
        }
    }

    public IReadOnlyList<ConsoleLine> Get(string resource)
    {
        if (!_logs.TryGetValue(resource, out var log))
        {
            return [];
        }

        lock (log)
        {
            return log.Lines.ToArray();
        }
    }

    public async IAsyncEnumerable<ConsoleLine> WatchAsync(string resource, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_logs.TryGetValue(resource, out var log))
        {
            yield break;
        }

        var channel = Channel.CreateBounded<ConsoleLine>(new BoundedChannelOptions(_capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (log)
        {
            foreach (var line in log.Lines)
            {
                channel.Writer.TryWrite(line);
            }

            if (log.Completed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                log.Watchers.Add(channel);
            }
        }

        try
        {
            await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return line;
            }
        }
        finally
        {
            lock (log)
            {
                log.Watchers.Remove(channel);
            }
        }
    }

    /// <summary>Ends every watch: the AppHost is stopping.</summary>
    public void Complete()
    {
        foreach (var log in _logs.Values)
        {
            lock (log)
            {
                log.Completed = true;
                foreach (var watcher in log.Watchers)
                {
                    watcher.Writer.TryComplete();
                }
            }
        }
    }

    private sealed class ResourceLog
    {
        public Queue<ConsoleLine> Lines { get; } = new();

        public List<Channel<ConsoleLine>> Watchers { get; } = [];

        public long LastSequence { get; set; }

        public bool Completed { get; set; }
    }
}
