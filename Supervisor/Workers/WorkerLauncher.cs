using System.Collections.Concurrent;
using System.Diagnostics;

namespace ReferenceApp.Supervisor.Workers;

/// <summary>
/// Starts every worker process from one dedicated thread that lives as long as the Supervisor. Workers ask the kernel for
/// SIGTERM when their parent dies (PR_SET_PDEATHSIG), and Linux means the parent *thread*: a thread-pool thread that
/// retires would stop the workers it happened to fork. From this thread, the signal fires only when the Supervisor dies.
/// </summary>
internal sealed class WorkerLauncher : IDisposable
{
    private readonly BlockingCollection<(Process Process, TaskCompletionSource Started)> _queue = new();
    private readonly Thread _thread;

    public WorkerLauncher()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "Supervisor worker launcher" };
        _thread.Start();
    }

    /// <summary>Starts a configured <see cref="Process"/> on the launcher thread.</summary>
    public Task StartAsync(Process process)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((process, started));
        return started.Task;
    }

    /// <summary>Call only when no worker runs any more: the thread's exit is what PR_SET_PDEATHSIG watches.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _queue.Dispose();
    }

    private void Run()
    {
        foreach (var (process, started) in _queue.GetConsumingEnumerable())
        {
            try
            {
                process.Start();
                started.TrySetResult();
            }
#pragma warning disable CA1031 // every failure goes back to the caller that asked for the start
            catch (Exception exception)
#pragma warning restore CA1031
            {
                started.TrySetException(exception);
            }
        }
    }
}
