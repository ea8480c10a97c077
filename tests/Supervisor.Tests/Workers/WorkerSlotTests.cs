using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Tests.Workers;

/// <summary>Every transition of one slot, over fake processes and a fake clock: restarts, backoff, crash loop, replace, retire.</summary>
[Trait("Tier", "Unit")]
public sealed class WorkerSlotTests : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);
    private readonly LifecycleHarness _harness = new();

    private ObservedClock Clock => _harness.Clock;

    private FakeWorkerFactory Factory => _harness.Factory;

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task Start_launches_one_process_that_serves_once_it_reports_ready()
    {
        var slot = _harness.Slot(index: 2, workerCount: 4);

        var process = Assert.IsType<FakeWorkerProcess>(await slot.StartAsync(CancellationToken.None));

        Assert.Equal(2, Assert.Single(Factory.Launched).Index);
        Assert.Same(process, slot.Current);
        Assert.Equal(WorkerState.Starting, slot.Status().State);
        process.ReportReady();
        var status = slot.Status();
        Assert.Equal(WorkerState.Ready, status.State);
        Assert.Equal(process.ProcessId, status.ProcessId);
        Assert.Equal(0, status.Restarts);
    }

    [Fact]
    public async Task Exit_before_the_slot_is_armed_is_not_restarted()
    {
        var slot = _harness.Slot();
        var process = (FakeWorkerProcess)await slot.StartAsync(CancellationToken.None);

        process.Crash();
        await LifecycleHarness.UntilAsync(() => slot.Status().LastExit is not null, "the slot to record the exit");
        Clock.Advance(TimeSpan.FromHours(1));

        Assert.Single(Factory.Launched);
        Assert.Equal(WorkerState.Exited, slot.Status().State);
        Assert.Equal(0, _harness.Counter("supervisor.worker.restarts"));
    }

    [Fact]
    public async Task Crash_restarts_after_backoff_and_not_before()
    {
        var (slot, first) = await _harness.ServingSlotAsync();

        await _harness.CrashAndAwaitBackoffAsync(first, TimeSpan.FromSeconds(1));
        Assert.Equal(WorkerState.Backoff, slot.Status().State);
        Assert.Equal("exit code 1", slot.Status().LastExit?.Reason);
        Clock.Advance(TimeSpan.FromSeconds(1) - Tick);
        Assert.Single(Factory.Launched);
        Assert.Equal(WorkerState.Backoff, slot.Status().State);

        Clock.Advance(Tick);
        var second = await Factory.LaunchAsync(1);
        await LifecycleHarness.UntilAsync(() => slot.Current == second, "the restarted process to take the slot");
        Assert.Equal(WorkerState.Starting, slot.Status().State);
        second.ReportReady();
        Assert.Equal(WorkerState.Ready, slot.Status().State);
        Assert.Equal(1, slot.Status().Restarts);
        Assert.Equal(1, _harness.Counter("supervisor.worker.restarts"));
    }

    [Fact]
    public async Task Backoff_doubles_with_each_unstable_exit_up_to_the_maximum()
    {
        _harness.Options.CrashLoop.MaxUnstableExits = 100;
        _harness.Options.Restart.MaxDelay = TimeSpan.FromSeconds(5);
        var (slot, process) = await _harness.ServingSlotAsync();

        double[] expected = [1, 2, 4, 5, 5];
        for (var restart = 0; restart < expected.Length; restart++)
        {
            var delay = TimeSpan.FromSeconds(expected[restart]);
            await _harness.CrashAndAwaitBackoffAsync(process, delay);
            Clock.Advance(delay - Tick);
            Assert.Equal(restart + 1, Factory.Launched.Count);
            Clock.Advance(Tick);
            process = await Factory.LaunchAsync(restart + 1);
            await LifecycleHarness.UntilAsync(() => slot.Current == process, $"restart {restart + 1} to take the slot");
        }

        Assert.Equal(expected.Length, slot.Status().Restarts);
    }

    [Fact]
    public async Task Kill_is_a_crash_the_slot_restarts_after_backoff()
    {
        var (slot, first) = await _harness.ServingSlotAsync();
        var timersBefore = Clock.TimersSet(TimeSpan.FromSeconds(1));

        Assert.Equal(first.ProcessId, slot.Kill("chaos"));

        Assert.Equal("chaos", first.KillReason);
        Assert.False(first.StopRequested);
        await Clock.TimerSetAsync(TimeSpan.FromSeconds(1), timersBefore + 1);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Factory.LaunchAsync(1);
        await LifecycleHarness.UntilAsync(() => slot.Current == second, "the restarted process to take the slot");
        Assert.Equal(1, _harness.Counter("supervisor.worker.restarts"));
    }

    [Fact]
    public async Task Crash_loop_marks_the_slot_Failed_and_restarts_no_more()
    {
        var (slot, process) = await _harness.ServingSlotAsync();

        // MaxUnstableExits is 3: the first two exits are restarted after 1 s and 2 s, the third gives up.
        foreach (var (delay, launch) in new[] { (1, 1), (2, 2) })
        {
            await _harness.CrashAndAwaitBackoffAsync(process, TimeSpan.FromSeconds(delay));
            Clock.Advance(TimeSpan.FromSeconds(delay));
            process = await Factory.LaunchAsync(launch);
            await LifecycleHarness.UntilAsync(() => slot.Current == process, $"launch {launch} to take the slot");
        }

        process.Crash();
        await LifecycleHarness.UntilAsync(() => slot.Status().State == WorkerState.Failed, "the slot to be marked Failed");
        Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(3, Factory.Launched.Count);
        Assert.Equal(WorkerState.Failed, slot.Status().State);
        Assert.Null(slot.Status().ProcessId);
        Assert.Equal(1, _harness.Counter("supervisor.worker.crash_loops"));
        Assert.Equal(2, _harness.Counter("supervisor.worker.restarts"));
    }

    [Fact]
    public async Task Stable_run_resets_the_backoff_and_the_crash_loop_count()
    {
        var (slot, process) = await _harness.ServingSlotAsync();
        foreach (var (delay, launch) in new[] { (1, 1), (2, 2) })
        {
            await _harness.CrashAndAwaitBackoffAsync(process, TimeSpan.FromSeconds(delay));
            Clock.Advance(TimeSpan.FromSeconds(delay));
            process = await Factory.LaunchAsync(launch);
            await LifecycleHarness.UntilAsync(() => slot.Current == process, $"launch {launch} to take the slot");
        }

        // Two unstable exits so far; this process runs past StableAfter (30 s) before it dies.
        process.ReportReady();
        Clock.Advance(TimeSpan.FromSeconds(31));
        await _harness.CrashAndAwaitBackoffAsync(process, TimeSpan.FromSeconds(1));
        Clock.Advance(TimeSpan.FromSeconds(1));
        process = await Factory.LaunchAsync(3);
        await LifecycleHarness.UntilAsync(() => slot.Current == process, "launch 3 to take the slot");

        // Without the reset, this would be the fourth unstable exit in the window: Failed.
        await _harness.CrashAndAwaitBackoffAsync(process, TimeSpan.FromSeconds(2));
        Assert.Equal(WorkerState.Backoff, slot.Status().State);
        Assert.Equal(0, _harness.Counter("supervisor.worker.crash_loops"));
    }

    [Fact]
    public async Task Replace_drains_the_old_process_only_once_the_new_one_is_ready()
    {
        var (slot, old) = await _harness.ServingSlotAsync();
        old.HoldsDrain = true;

        var replacing = slot.ReplaceAsync("restart requested", CancellationToken.None);
        var replacement = await Factory.LaunchAsync(1);

        Assert.Same(old, slot.Current);
        Assert.False(old.StopAsked.IsCompleted);
        Assert.Equal(WorkerState.Ready, old.State);

        replacement.ReportReady();
        await old.StopAsked.WaitAsync(LifecycleHarness.Deadline);
        Assert.Same(replacement, slot.Current);
        Assert.Equal(WorkerState.Draining, old.StoppedAs);
        Assert.Equal("restart requested", old.StopReason);
        Assert.Equal([old, replacement], slot.AliveProcesses.OrderBy(process => process.ProcessId));
        Assert.False(replacing.IsCompleted, "the replacement completes only when the old process has exited");

        old.Exit(code: 0, signal: null, "drained");
        var outcome = await replacing.WaitAsync(LifecycleHarness.Deadline);
        Assert.Equal(ReplaceResult.Replaced, outcome.Result);
        Assert.Equal(replacement.ProcessId, outcome.ProcessId);
        await LifecycleHarness.UntilAsync(() => slot.AliveProcesses.Count == 1, "the drained process to leave the slot");
        Assert.Equal(WorkerState.Ready, slot.Status().State);
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, Factory.Launched.Count);
    }

    [Fact]
    public async Task Replacement_that_exits_before_it_is_ready_keeps_the_old_process()
    {
        var (slot, old) = await _harness.ServingSlotAsync();

        var replacing = slot.ReplaceAsync("reload", CancellationToken.None);
        var replacement = await Factory.LaunchAsync(1);
        replacement.Crash();
        var outcome = await replacing.WaitAsync(LifecycleHarness.Deadline);

        Assert.Equal(ReplaceResult.Failed, outcome.Result);
        Assert.Contains("exited", outcome.Problem, StringComparison.Ordinal);
        Assert.Same(old, slot.Current);
        Assert.False(old.StopAsked.IsCompleted);
        Assert.Equal(WorkerState.Ready, slot.Status().State);
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, Factory.Launched.Count);
    }

    [Fact]
    public async Task Replacement_not_ready_within_the_start_timeout_is_killed_and_the_old_process_keeps_serving()
    {
        var (slot, old) = await _harness.ServingSlotAsync();

        var replacing = slot.ReplaceAsync("reload", CancellationToken.None);
        var replacement = await Factory.LaunchAsync(1);
        await Clock.TimerSetAsync(_harness.Options.StartTimeout, count: 2);
        Clock.Advance(_harness.Options.StartTimeout - Tick);
        Assert.False(replacing.IsCompleted);
        Clock.Advance(Tick);
        var outcome = await replacing.WaitAsync(LifecycleHarness.Deadline);

        Assert.Equal(ReplaceResult.Failed, outcome.Result);
        Assert.Contains("not ready within 10 s", outcome.Problem, StringComparison.Ordinal);
        Assert.True(replacement.WasKilled);
        Assert.Same(old, slot.Current);
        Assert.False(old.StopAsked.IsCompleted);
        // The replacement never served: its death is not the slot's crash, so nothing restarts it.
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(2, Factory.Launched.Count);
        Assert.Equal(WorkerState.Ready, slot.Status().State);
    }

    [Fact]
    public async Task Restarted_process_not_ready_within_the_start_timeout_is_killed_as_a_crash_and_restarted_after_backoff()
    {
        var (slot, first) = await _harness.ServingSlotAsync();
        await _harness.CrashAndAwaitBackoffAsync(first, TimeSpan.FromSeconds(1));
        Clock.Advance(TimeSpan.FromSeconds(1));
        var stuck = await Factory.LaunchAsync(1);
        await Clock.TimerSetAsync(_harness.Options.StartTimeout, count: 2);
        Clock.Advance(_harness.Options.StartTimeout - Tick);
        Assert.False(stuck.WasKilled);

        var backoffsBefore = Clock.TimersSet(TimeSpan.FromSeconds(2));
        Clock.Advance(Tick);
        await LifecycleHarness.UntilAsync(() => stuck.WasKilled, "the start timeout to kill the process");
        await Clock.TimerSetAsync(TimeSpan.FromSeconds(2), backoffsBefore + 1);

        Assert.Contains("not ready within 10 s", stuck.KillReason, StringComparison.Ordinal);
        Assert.False(stuck.StopRequested, "a worker that never got ready is restarted like any crash");
        Assert.Equal(WorkerState.Backoff, slot.Status().State);
    }

    [Fact]
    public async Task Replace_during_backoff_starts_at_once_and_drops_the_pending_restart()
    {
        var (slot, first) = await _harness.ServingSlotAsync();
        await _harness.CrashAndAwaitBackoffAsync(first, TimeSpan.FromSeconds(1));

        var replacing = slot.ReplaceAsync("restart requested", CancellationToken.None);
        var replacement = await Factory.LaunchAsync(1);
        replacement.ReportReady();
        var outcome = await replacing.WaitAsync(LifecycleHarness.Deadline);
        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(ReplaceResult.Replaced, outcome.Result);
        Assert.Same(replacement, slot.Current);
        Assert.Equal(WorkerState.Ready, slot.Status().State);
        Assert.Equal(2, Factory.Launched.Count);
    }

    [Fact]
    public async Task Replace_of_a_Failed_slot_starts_at_once_and_clears_the_crash_loop_count()
    {
        _harness.Options.CrashLoop.MaxUnstableExits = 2;
        var (slot, process) = await _harness.ServingSlotAsync();
        await _harness.CrashAndAwaitBackoffAsync(process, TimeSpan.FromSeconds(1));
        Clock.Advance(TimeSpan.FromSeconds(1));
        process = await Factory.LaunchAsync(1);
        await LifecycleHarness.UntilAsync(() => slot.Current == process, "the restart to take the slot");
        process.Crash();
        await LifecycleHarness.UntilAsync(() => slot.Status().State == WorkerState.Failed, "the slot to be marked Failed");

        var replacing = slot.ReplaceAsync("restart requested", CancellationToken.None);
        var replacement = await Factory.LaunchAsync(2);
        replacement.ReportReady();
        Assert.Equal(ReplaceResult.Replaced, (await replacing.WaitAsync(LifecycleHarness.Deadline)).Result);
        Assert.Equal(WorkerState.Ready, slot.Status().State);

        // Two unstable exits fail the slot; had the count not been cleared, this third one would fail it at once.
        await _harness.CrashAndAwaitBackoffAsync(replacement, TimeSpan.FromSeconds(1));
        Assert.Equal(WorkerState.Backoff, slot.Status().State);
        Assert.Equal(1, _harness.Counter("supervisor.worker.crash_loops"));
    }

    [Fact]
    public async Task Replace_during_backoff_resets_the_backoff()
    {
        _harness.Options.CrashLoop.MaxUnstableExits = 100;
        var (slot, process) = await _harness.ServingSlotAsync();
        await _harness.CrashAndAwaitBackoffAsync(process, TimeSpan.FromSeconds(1));
        Clock.Advance(TimeSpan.FromSeconds(1));
        process = await Factory.LaunchAsync(1);
        await LifecycleHarness.UntilAsync(() => slot.Current == process, "the restart to take the slot");
        await _harness.CrashAndAwaitBackoffAsync(process, TimeSpan.FromSeconds(2));

        var replacing = slot.ReplaceAsync("restart requested", CancellationToken.None);
        var replacement = await Factory.LaunchAsync(2);
        replacement.ReportReady();
        await replacing.WaitAsync(LifecycleHarness.Deadline);

        // Back to the initial delay, not the 4 s that came next.
        await _harness.CrashAndAwaitBackoffAsync(replacement, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Failed_launch_during_a_restart_marks_the_slot_Failed()
    {
        var (slot, first) = await _harness.ServingSlotAsync();
        await _harness.CrashAndAwaitBackoffAsync(first, TimeSpan.FromSeconds(1));
        Factory.FailNextLaunch = new InvalidOperationException("dotnet is gone");

        Clock.Advance(TimeSpan.FromSeconds(1));

        await LifecycleHarness.UntilAsync(() => slot.Status().State == WorkerState.Failed, "the slot to be marked Failed");
        Assert.Single(Factory.Launched);
    }

    [Fact]
    public async Task Retire_drains_every_process_and_nothing_restarts_afterwards()
    {
        var (slot, current) = await _harness.ServingSlotAsync();

        await slot.RetireAsync("scaled down", WorkerState.Draining).WaitAsync(LifecycleHarness.Deadline);

        Assert.Equal("scaled down", current.StopReason);
        Assert.Equal(WorkerState.Draining, current.StoppedAs);
        Assert.Equal(WorkerState.Exited, current.State);
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Single(Factory.Launched);
        Assert.Equal(ReplaceResult.Skipped, (await slot.ReplaceAsync("reload", CancellationToken.None)).Result);
        Assert.Single(Factory.Launched);
    }

    [Fact]
    public async Task Retire_during_backoff_cancels_the_pending_restart()
    {
        var (slot, first) = await _harness.ServingSlotAsync();
        await _harness.CrashAndAwaitBackoffAsync(first, TimeSpan.FromSeconds(1));

        await slot.RetireAsync("Supervisor shutdown", WorkerState.Stopping).WaitAsync(LifecycleHarness.Deadline);
        Clock.Advance(TimeSpan.FromHours(1));

        Assert.Single(Factory.Launched);
    }

    [Fact]
    public async Task Retire_during_a_replacement_stops_both_processes()
    {
        var (slot, old) = await _harness.ServingSlotAsync();
        var replacing = slot.ReplaceAsync("reload", CancellationToken.None);
        var replacement = await Factory.LaunchAsync(1);

        await slot.RetireAsync("Supervisor shutdown", WorkerState.Stopping).WaitAsync(LifecycleHarness.Deadline);

        Assert.NotEqual(ReplaceResult.Replaced, (await replacing.WaitAsync(LifecycleHarness.Deadline)).Result);
        Assert.Equal(WorkerState.Exited, old.State);
        Assert.Equal(WorkerState.Exited, replacement.State);
        Assert.Empty(slot.AliveProcesses);
    }

    [Fact]
    public async Task Recycle_replaces_a_process_gracefully_once()
    {
        var (slot, old) = await _harness.ServingSlotAsync();

        slot.Recycle(old, "memory above 100 MiB");
        slot.Recycle(old, "memory above 100 MiB");
        var replacement = await Factory.LaunchAsync(1);
        replacement.ReportReady();
        await old.StopAsked.WaitAsync(LifecycleHarness.Deadline);

        Assert.Equal("memory above 100 MiB", old.StopReason);
        Assert.Equal(2, Factory.Launched.Count);
        Assert.Equal(1, _harness.Counter("supervisor.worker.recycles"));
        await LifecycleHarness.UntilAsync(() => slot.Current == replacement, "the replacement to take the slot");
    }
}
