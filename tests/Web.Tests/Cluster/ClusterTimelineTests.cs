using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Web.Cluster;

namespace ReferenceApp.Web.Tests.Cluster;

[Trait("Tier", "Unit")]
public sealed class ClusterTimelineTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Worker_with_a_new_pid_in_its_slot_is_reported_as_respawned()
    {
        var before = Service(Worker(0, 100, WorkerState.Ready), Worker(1, 101, WorkerState.Ready));
        var after = Service(Worker(0, 100, WorkerState.Ready), Worker(1, 205, WorkerState.Ready, restarts: 1));

        var events = ClusterTimeline.Diff(before, after, At).ToList();

        var respawned = Assert.Single(events);
        Assert.Equal(ClusterEventKind.Respawned, respawned.Kind);
        Assert.Equal(1, respawned.WorkerIndex);
        Assert.Equal("api-1 respawned: pid 101 → 205 (Ready, restarts 1)", respawned.Text);
    }

    [Fact]
    public void Respawn_is_recognised_across_polls_that_saw_the_slot_without_a_process()
    {
        var kill = new WorkerExit(null, 9, At, "killed");
        var backoff = Service(Worker(1, 0, WorkerState.Backoff, lastExit: kill) with { Pid = null });
        var starting = Service(Worker(1, 205, WorkerState.Starting, restarts: 1, lastExit: kill));

        var respawned = Assert.Single(ClusterTimeline.Diff(backoff, starting, At, index => index == 1 ? 101 : null));

        Assert.Equal(ClusterEventKind.Respawned, respawned.Kind);
        Assert.Equal("api-1 respawned: pid 101 → 205 (Starting, restarts 1)", respawned.Text);
    }

    [Fact]
    public void Exit_already_reported_is_not_repeated_on_later_state_changes()
    {
        var kill = new WorkerExit(null, 9, At, "killed");
        var starting = Service(Worker(1, 205, WorkerState.Starting, lastExit: kill));
        var ready = Service(Worker(1, 205, WorkerState.Ready, lastExit: kill with { Signal = 9 }));

        Assert.Equal("api-1 pid 205: Starting → Ready", Assert.Single(ClusterTimeline.Diff(starting, ready, At)).Text);
    }

    [Fact]
    public void State_change_names_how_the_previous_process_ended()
    {
        var kill = new WorkerExit(null, 9, At, "killed through the control API");
        var before = Service(Worker(0, 100, WorkerState.Ready));
        var after = Service(Worker(0, 100, WorkerState.Backoff, lastExit: kill));

        var change = Assert.Single(ClusterTimeline.Diff(before, after, At));

        Assert.Equal("api-0 pid 100: Ready → Backoff (signal SIGKILL, killed through the control API)", change.Text);
    }

    [Fact]
    public void Scaling_reports_added_and_removed_slots()
    {
        var two = Service(Worker(0, 100, WorkerState.Ready), Worker(1, 101, WorkerState.Ready));
        var three = Service(Worker(0, 100, WorkerState.Ready), Worker(1, 101, WorkerState.Ready), Worker(2, 102, WorkerState.Starting));

        Assert.Equal(ClusterEventKind.WorkerAdded, Assert.Single(ClusterTimeline.Diff(two, three, At)).Kind);
        Assert.Equal(ClusterEventKind.WorkerRemoved, Assert.Single(ClusterTimeline.Diff(three, two, At)).Kind);
    }

    [Fact]
    public void Unchanged_cluster_and_first_poll_report_nothing()
    {
        var service = Service(Worker(0, 100, WorkerState.Ready));

        Assert.Empty(ClusterTimeline.Diff(service, service, At));
        Assert.Empty(ClusterTimeline.Diff(null, service, At));
    }

    [Fact]
    public void Supervisor_that_stops_answering_and_comes_back_is_reported_both_ways()
    {
        var up = Service(Worker(0, 100, WorkerState.Ready));
        var down = new SupervisedService("api", null, "connection refused");

        Assert.Equal(ClusterEventKind.SupervisorUnreachable, Assert.Single(ClusterTimeline.Diff(up, down, At)).Kind);
        Assert.Equal(ClusterEventKind.SupervisorReachable, Assert.Single(ClusterTimeline.Diff(down, up, At)).Kind);
    }

    [Fact]
    public void Timeline_keeps_the_newest_events_first_and_no_more_than_its_capacity()
    {
        var old = Enumerable.Range(0, ClusterTimeline.Capacity).Select(i => Event($"old {i}")).ToList();

        var events = ClusterTimeline.Append(old, [Event("new 1"), Event("new 2")]);

        Assert.Equal(ClusterTimeline.Capacity, events.Count);
        Assert.Equal(["new 2", "new 1", "old 0"], events.Take(3).Select(e => e.Text));
    }

    private static ClusterEvent Event(string text) => new(At, "api", null, ClusterEventKind.Command, text);

    private static SupervisedService Service(params WorkerStatus[] workers) =>
        new("api", new SupervisorStatus("api", "RoundRobin", 5080, workers.Length, Reload: null, workers), null);

    private static WorkerStatus Worker(int index, int pid, WorkerState state, int restarts = 0, WorkerExit? lastExit = null) =>
        new(index, pid, state, At, restarts, 100_000_000, 10_000_000, 0, 0, lastExit);
}
