using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Hosting.Dashboard;

namespace ReferenceApp.AppHost.Tests.Integration;

/// <summary>How a Supervisor's status becomes a worker's row: fast, no processes.</summary>
[Trait("Tier", "Unit")]
public sealed class WorkerSnapshotsTests
{
    private static readonly DateTimeOffset Started = new(2026, 12, 1, 20, 0, 0, TimeSpan.Zero);

    // What the dashboard adds to a child's snapshot; every update must keep it.
    private static readonly CustomResourceSnapshot Shown = WorkerSnapshots.Initial() with
    {
        Properties = [new ResourcePropertySnapshot("resource.parentName", "api-xk3j2h8d")],
    };

    [Fact]
    public void Ready_worker_shows_its_pid_restarts_memory_and_is_healthy_and_keeps_the_parent_link()
    {
        var row = WorkerSnapshots.From(Shown, Worker(WorkerState.Ready, pid: 4242, restarts: 3, rss: 100 * 1024 * 1024));

        Assert.False(row.IsHidden);
        Assert.Equal(("Ready", KnownResourceStateStyles.Success), (row.State?.Text, row.State?.Style));
        Assert.Equal(4242, Property(row, "executable.pid"));
        Assert.Equal(3, Property(row, "worker.restarts"));
        Assert.Equal("100.0 MiB", Property(row, "worker.rss"));
        Assert.Equal("api-xk3j2h8d", Property(row, "resource.parentName"));
        Assert.Equal(Started.UtcDateTime, row.StartTimeStamp);
        Assert.Equal(HealthStatus.Healthy, row.HealthReports.Single().Status);
        Assert.True(WorkerSnapshots.HasProcess(row));
    }

    [Fact]
    public void Worker_in_backoff_has_no_pid_shows_how_it_ended_and_its_commands_are_disabled()
    {
        var exit = new WorkerExit(null, 9, Started.AddMinutes(1), "signal SIGKILL");
        var row = WorkerSnapshots.From(Shown, Worker(WorkerState.Backoff, pid: null, restarts: 1, rss: null, exit));

        Assert.Equal(("Backoff", KnownResourceStateStyles.Warn), (row.State?.Text, row.State?.Style));
        Assert.DoesNotContain(row.Properties, property => property.Name == "executable.pid");
        Assert.Equal("signal SIGKILL", Property(row, "worker.last-exit"));
        Assert.Equal(exit.At.UtcDateTime, row.StopTimeStamp);
        Assert.False(WorkerSnapshots.HasProcess(row));
    }

    [Fact]
    public void Crash_looping_worker_is_unhealthy_and_a_slot_the_Supervisor_does_not_report_is_hidden()
    {
        var failed = WorkerSnapshots.From(Shown, Worker(WorkerState.Failed, pid: null, restarts: 5, rss: null, new WorkerExit(3, null, Started, "exited with code 3")));
        Assert.Equal(HealthStatus.Unhealthy, failed.HealthReports.Single().Status);
        Assert.Equal(KnownResourceStateStyles.Error, failed.State?.Style);

        var scaledAway = WorkerSnapshots.From(failed, worker: null);
        Assert.True(scaledAway.IsHidden);
        Assert.False(WorkerSnapshots.HasProcess(scaledAway));
    }

    [Fact]
    public void An_update_that_changes_nothing_a_person_sees_is_recognised_so_it_is_not_published()
    {
        var worker = Worker(WorkerState.Ready, pid: 4242, restarts: 0, rss: 1024);
        var first = WorkerSnapshots.From(Shown, worker);

        Assert.Equal(WorkerSnapshots.Shows(first), WorkerSnapshots.Shows(WorkerSnapshots.From(first, worker)));
        Assert.NotEqual(WorkerSnapshots.Shows(first), WorkerSnapshots.Shows(WorkerSnapshots.From(first, worker with { RequestsServed = 1 })));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("auto", null)]
    [InlineData(" Auto ", null)]
    [InlineData("4", 4)]
    public void Worker_count_reads_auto_or_a_number(string? text, int? count) => Assert.Equal(count, WorkerCount.Parse(text).Count);

    [Theory]
    [InlineData("0")]
    [InlineData("17")]
    [InlineData("two")]
    [InlineData("-1")]
    public void Worker_count_outside_the_slots_or_not_a_number_is_refused(string text) =>
        Assert.ThrowsAny<Exception>(() => WorkerCount.Parse(text));

    private static WorkerStatus Worker(WorkerState state, int? pid, int restarts, long? rss, WorkerExit? exit = null) =>
        new(0, pid, state, Started, restarts, rss, rss / 2, 0, 0, exit);

    private static object? Property(CustomResourceSnapshot snapshot, string name) =>
        snapshot.Properties.Single(property => property.Name == name).Value;
}
