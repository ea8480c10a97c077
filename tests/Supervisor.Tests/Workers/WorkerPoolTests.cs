using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Tests.Workers;

/// <summary>The pool over fake processes and a fake clock: the initial start, scaling and shutdown.</summary>
[Trait("Tier", "Unit")]
public sealed class WorkerPoolTests : IDisposable
{
    private readonly LifecycleHarness _harness = new();

    private FakeWorkerFactory Factory => _harness.Factory;

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Start_succeeds_when_every_worker_reports_ready()
    {
        Factory.OnLaunch = process => process.ReportReady();

        var problems = await _harness.Pool.StartAsync(3, CancellationToken.None);

        Assert.Empty(problems);
        Assert.Equal([0, 1, 2], Factory.Launched.Select(process => process.Index).Order());
        Assert.All(_harness.Pool.Slots, slot => Assert.Equal(WorkerState.Ready, slot.Status().State));
        Assert.Equal(3, _harness.Pool.DesiredWorkers);
    }

    [Fact]
    public async Task Start_fails_when_a_worker_exits_before_it_is_ready_and_is_not_retried()
    {
        Factory.OnLaunch = process =>
        {
            if (process.Index == 1)
            {
                process.Crash();
            }
            else
            {
                process.ReportReady();
            }
        };

        var problems = await _harness.Pool.StartAsync(2, CancellationToken.None);

        var problem = Assert.Single(problems);
        Assert.Contains("app-1", problem, StringComparison.Ordinal);
        Assert.Contains("exited (exit code 1) before it was ready", problem, StringComparison.Ordinal);
        Assert.Contains("fake output", problem, StringComparison.Ordinal);
        // A failed start ends the Supervisor; the pool does not try again.
        _harness.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, Factory.Launched.Count);
    }

    [Fact]
    public async Task Start_fails_when_a_worker_is_not_ready_within_the_start_timeout()
    {
        // Ready before the pool looks, so the only start timeout running is the silent worker's.
        Factory.OnLaunch = process =>
        {
            if (process.Index == 0)
            {
                process.ReportReady();
            }
        };
        var starting = _harness.Pool.StartAsync(2, CancellationToken.None);
        var ready = await Factory.LaunchAsync(0);
        var silent = await Factory.LaunchAsync(1);
        await _harness.Clock.TimerSetAsync(_harness.Options.StartTimeout);
        _harness.Clock.Advance(_harness.Options.StartTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(starting.IsCompleted);

        _harness.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var problems = await starting.WaitAsync(LifecycleHarness.Deadline);

        var problem = Assert.Single(problems);
        Assert.Contains("exited (not ready within 10 s", problem, StringComparison.Ordinal);
        Assert.Contains("app.UseSupervision()", problem, StringComparison.Ordinal);
        Assert.True(silent.WasKilled);
        Assert.False(ready.WasKilled);
    }

    [Fact]
    public async Task Start_fails_when_a_worker_dies_right_after_it_was_ready()
    {
        // Worker 0 is ready at once and dies while worker 1 is still starting; restarts are off until every worker is up.
        Factory.OnLaunch = process =>
        {
            if (process.Index == 0)
            {
                process.ReportReady();
            }
        };
        var starting = _harness.Pool.StartAsync(2, CancellationToken.None);
        var early = await Factory.LaunchAsync(0);
        var late = await Factory.LaunchAsync(1);
        early.Crash();
        await LifecycleHarness.UntilAsync(() => _harness.Pool.Slot(0)!.Status().LastExit is not null, "worker 0's exit to be recorded");
        late.ReportReady();

        var problems = await starting.WaitAsync(LifecycleHarness.Deadline);

        Assert.Contains("stopped right after it was ready", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scale_up_adds_slots_that_start_workers()
    {
        Factory.OnLaunch = process => process.ReportReady();
        await _harness.Pool.StartAsync(2, CancellationToken.None);

        await _harness.Pool.ScaleAsync(4, CancellationToken.None).WaitAsync(LifecycleHarness.Deadline);

        Assert.Equal(4, _harness.Pool.DesiredWorkers);
        Assert.Equal([0, 1, 2, 3], _harness.Pool.Slots.Select(slot => slot.Index).Order());
        Assert.Equal([0, 1, 2, 3], Factory.Launched.Select(process => process.Index).Order());
        Assert.All(_harness.Pool.Slots, slot => Assert.Equal(WorkerState.Ready, slot.Status().State));
        Assert.All(Factory.Launched, process => Assert.False(process.StopAsked.IsCompleted));
    }

    [Fact]
    public async Task Scale_down_drains_the_highest_slots_and_removes_them()
    {
        Factory.OnLaunch = process => process.ReportReady();
        await _harness.Pool.StartAsync(3, CancellationToken.None);

        await _harness.Pool.ScaleAsync(1, CancellationToken.None).WaitAsync(LifecycleHarness.Deadline);

        Assert.Equal(0, Assert.Single(_harness.Pool.Slots).Index);
        var byIndex = Factory.Launched.ToDictionary(process => process.Index);
        Assert.False(byIndex[0].StopAsked.IsCompleted);
        foreach (var index in new[] { 1, 2 })
        {
            Assert.Equal("scaled down", byIndex[index].StopReason);
            Assert.Equal(WorkerState.Draining, byIndex[index].StoppedAs);
        }

        _harness.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(3, Factory.Launched.Count);
    }

    [Fact]
    public async Task Scaled_up_slot_restarts_its_worker_after_a_crash()
    {
        Factory.OnLaunch = process => process.ReportReady();
        await _harness.Pool.StartAsync(1, CancellationToken.None);
        await _harness.Pool.ScaleAsync(2, CancellationToken.None).WaitAsync(LifecycleHarness.Deadline);
        var added = await Factory.LaunchAsync(1);

        await _harness.CrashAndAwaitBackoffAsync(added, _harness.Options.Restart.InitialDelay);
        _harness.Clock.Advance(_harness.Options.Restart.InitialDelay);

        Assert.Equal(1, (await Factory.LaunchAsync(2)).Index);
    }

    [Fact]
    public async Task Stop_stops_every_worker_and_scaling_afterwards_does_nothing()
    {
        Factory.OnLaunch = process => process.ReportReady();
        await _harness.Pool.StartAsync(2, CancellationToken.None);

        await _harness.Pool.StopAsync().WaitAsync(LifecycleHarness.Deadline);
        await _harness.Pool.ScaleAsync(4, CancellationToken.None).WaitAsync(LifecycleHarness.Deadline);

        Assert.All(Factory.Launched, process => Assert.Equal(WorkerState.Stopping, process.StoppedAs));
        Assert.All(Factory.Launched, process => Assert.Equal("Supervisor shutdown", process.StopReason));
        Assert.Equal(2, Factory.Launched.Count);
    }
}
