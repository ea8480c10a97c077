using Microsoft.Extensions.Time.Testing;

namespace ReferenceApp.Supervisor.Tests.Workers;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells when a timer is set. The code under test sets its timers on its own
/// threads; a test that advances the clock before the timer exists would skip past it, so it waits for the timer first.
/// </summary>
internal sealed class ObservedClock : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _timers = [];
    private readonly List<(TimeSpan DueTime, int Count, TaskCompletionSource Set)> _waiters = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        List<TaskCompletionSource> set;
        lock (_lock)
        {
            _timers.Add(dueTime);
            var count = _timers.Count(timer => timer == dueTime);
            set = _waiters.Where(waiter => waiter.DueTime == dueTime && waiter.Count <= count).Select(waiter => waiter.Set).ToList();
            _waiters.RemoveAll(waiter => waiter.DueTime == dueTime && waiter.Count <= count);
        }

        foreach (var waiter in set)
        {
            waiter.TrySetResult();
        }

        return timer;
    }

    /// <summary>How many timers (delays, timeouts) were set for <paramref name="dueTime"/> so far.</summary>
    public int TimersSet(TimeSpan dueTime)
    {
        lock (_lock)
        {
            return _timers.Count(timer => timer == dueTime);
        }
    }

    /// <summary>Completes once <paramref name="count"/> timers in all have been set for <paramref name="dueTime"/>.</summary>
    public Task TimerSetAsync(TimeSpan dueTime, int count = 1)
    {
        lock (_lock)
        {
            if (_timers.Count(timer => timer == dueTime) >= count)
            {
                return Task.CompletedTask;
            }

            var set = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((dueTime, count, set));
            return set.Task.WaitAsync(LifecycleHarness.Deadline);
        }
    }
}
