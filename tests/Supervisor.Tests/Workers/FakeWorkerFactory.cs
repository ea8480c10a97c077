using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Tests.Workers;

/// <summary>Launches <see cref="FakeWorkerProcess"/>es and remembers each, in launch order.</summary>
internal sealed class FakeWorkerFactory(TimeProvider time) : IWorkerFactory
{
    private readonly Lock _lock = new();
    private readonly List<FakeWorkerProcess> _launched = [];
    private readonly List<(int Count, TaskCompletionSource<FakeWorkerProcess> Reached)> _waiters = [];
    private int _nextProcessId = 1000;

    public string ServiceName => "app";

    /// <summary>Runs on each new process before the slot sees it (report ready at once, crash at once).</summary>
    public Action<FakeWorkerProcess>? OnLaunch { get; set; }

    /// <summary>When set, the next launch throws it (dotnet missing, the app deleted).</summary>
    public Exception? FailNextLaunch { get; set; }

    public IReadOnlyList<FakeWorkerProcess> Launched
    {
        get
        {
            lock (_lock)
            {
                return [.. _launched];
            }
        }
    }

    /// <summary>The <paramref name="launch"/>-th process (0 = the first), once it has been launched.</summary>
    public Task<FakeWorkerProcess> LaunchAsync(int launch)
    {
        lock (_lock)
        {
            if (_launched.Count > launch)
            {
                return Task.FromResult(_launched[launch]);
            }

            var reached = new TaskCompletionSource<FakeWorkerProcess>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((launch + 1, reached));
            return reached.Task.WaitAsync(LifecycleHarness.Deadline);
        }
    }

    public Task<IWorkerProcess> StartAsync(int index, int workerCount)
    {
        if (FailNextLaunch is { } failure)
        {
            FailNextLaunch = null;
            return Task.FromException<IWorkerProcess>(failure);
        }

        var process = new FakeWorkerProcess(index, Interlocked.Increment(ref _nextProcessId), time);
        OnLaunch?.Invoke(process);
        List<TaskCompletionSource<FakeWorkerProcess>> reached;
        lock (_lock)
        {
            _launched.Add(process);
            reached = _waiters.Where(waiter => waiter.Count == _launched.Count).Select(waiter => waiter.Reached).ToList();
            _waiters.RemoveAll(waiter => waiter.Count == _launched.Count);
        }

        foreach (var waiter in reached)
        {
            waiter.TrySetResult(process);
        }

        return Task.FromResult<IWorkerProcess>(process);
    }
}
