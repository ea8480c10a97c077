using System.Collections.Immutable;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Hosting.Dashboard;

/// <summary>What a worker slot's row in the dashboard shows, made from the Supervisor's <c>GET /status</c>.</summary>
internal static class WorkerSnapshots
{
    public const string ResourceType = "Worker";

    // The dashboard labels executable.pid "Process ID" only for executables and projects; a worker says so itself.
    public const string PidProperty = "executable.pid";
    public const string RestartsProperty = "worker.restarts";
    public const string RssProperty = "worker.rss";

    /// <summary>Before the Supervisor runs: hidden until <see cref="Waiting"/> shows the slots it will start.</summary>
    public static CustomResourceSnapshot Initial() => new()
    {
        ResourceType = ResourceType,
        Properties = [],
        State = KnownResourceStates.NotStarted,
        IsHidden = true,
    };

    /// <summary>A slot the Supervisor will start (<paramref name="visible"/>) or that is beyond its worker count.</summary>
    public static CustomResourceSnapshot Waiting(CustomResourceSnapshot previous, bool visible) => previous with
    {
        State = KnownResourceStates.NotStarted,
        IsHidden = !visible,
        Properties = Without(previous.Properties, PidProperty),
    };

    /// <summary>The Supervisor is gone (stopped, or it exited): its workers with it.</summary>
    public static CustomResourceSnapshot SupervisorGone(CustomResourceSnapshot previous) => WithoutProcess(previous) with
    {
        StopTimeStamp = previous.StartTimeStamp is null ? null : previous.StopTimeStamp ?? DateTime.UtcNow,
    };

    /// <summary>The slot as the Supervisor reports it; a slot it does not report (scaled down) is hidden.</summary>
    public static CustomResourceSnapshot From(CustomResourceSnapshot previous, WorkerStatus? worker)
    {
        if (worker is null)
        {
            return WithoutProcess(previous) with { IsHidden = true };
        }

        var properties = Upsert(previous.Properties,
            new ResourcePropertySnapshot("worker.index", worker.Index) { DisplayName = "Worker index" },
            new ResourcePropertySnapshot(RestartsProperty, worker.Restarts) { DisplayName = "Restarts", IsHighlighted = true },
            new ResourcePropertySnapshot(RssProperty, Mebibytes(worker.RssBytes)) { DisplayName = "Resident memory", IsHighlighted = true },
            new ResourcePropertySnapshot("worker.gc-heap", Mebibytes(worker.GcHeapBytes)) { DisplayName = "GC heap" },
            new ResourcePropertySnapshot("worker.in-flight", worker.InFlight) { DisplayName = "Requests in flight" },
            new ResourcePropertySnapshot("worker.requests", worker.RequestsServed) { DisplayName = "Requests served", IsHighlighted = true },
            new ResourcePropertySnapshot("worker.last-exit", worker.LastExit?.Reason) { DisplayName = "Last exit", IsHighlighted = true });
        properties = worker.Pid is { } pid
            ? Upsert(properties, new ResourcePropertySnapshot(PidProperty, pid) { DisplayName = "Process ID", IsHighlighted = true })
            : Without(properties, PidProperty);

        var snapshot = previous with
        {
            IsHidden = false,
            State = State(worker.State),
            StartTimeStamp = worker.StartedAt?.UtcDateTime,
            StopTimeStamp = worker.Pid is null ? worker.LastExit?.At.UtcDateTime : null,
            ExitCode = worker.Pid is null ? worker.LastExit?.Code : null,
            Properties = properties,
        };
        return snapshot.WithHealthReports(worker.State switch
        {
            WorkerState.Ready => [new HealthReportSnapshot("worker", HealthStatus.Healthy, "Ready: serving.", null)],
            WorkerState.Failed => [new HealthReportSnapshot("worker", HealthStatus.Unhealthy, worker.LastExit?.Reason ?? "Crash loop.", null)],
            _ => [],
        });
    }

    /// <summary>The Supervisor's own state names, styled as the dashboard styles Running, Starting, Exited and failures.</summary>
    public static ResourceStateSnapshot State(WorkerState state) => new(state.ToString(), state switch
    {
        WorkerState.Ready => KnownResourceStateStyles.Success,
        WorkerState.Starting => KnownResourceStateStyles.Info,
        WorkerState.Draining or WorkerState.Stopping or WorkerState.Backoff => KnownResourceStateStyles.Warn,
        WorkerState.Failed => KnownResourceStateStyles.Error,
        _ => null,
    });

    /// <summary>What a row shows, as one comparable value: an update that does not change it is not published.</summary>
    public static string Shows(CustomResourceSnapshot snapshot) => string.Join('|',
        [snapshot.State?.Text, snapshot.IsHidden.ToString(), snapshot.StartTimeStamp?.Ticks.ToString(CultureInfo.InvariantCulture),
         snapshot.StopTimeStamp?.Ticks.ToString(CultureInfo.InvariantCulture), snapshot.ExitCode?.ToString(CultureInfo.InvariantCulture),
         .. snapshot.Properties.Select(property => $"{property.Name}={Convert.ToString(property.Value, CultureInfo.InvariantCulture)}"),
         .. snapshot.HealthReports.Select(report => $"{report.Name}={report.Status}")]);

    /// <summary>True while the slot's snapshot shows a process (the worker commands are enabled then).</summary>
    public static bool HasProcess(CustomResourceSnapshot snapshot) => snapshot.Properties.Any(property => property.Name == PidProperty);

    private static CustomResourceSnapshot WithoutProcess(CustomResourceSnapshot previous) => previous with
    {
        State = new ResourceStateSnapshot(nameof(WorkerState.Exited), null),
        Properties = Without(previous.Properties, PidProperty),
    };

    private static string? Mebibytes(long? bytes) =>
        bytes is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value / (1024.0 * 1024.0):F1} MiB") : null;

    /// <summary>The Supervisor row's summary: <c>2/2 ready</c>, its balancing policy, its last rolling reload.</summary>
    public static ResourcePropertySnapshot[] Summary(SupervisorStatus status) =>
    [
        new("supervisor.workers", string.Create(CultureInfo.InvariantCulture, $"{status.ReadyWorkers}/{status.DesiredWorkers} ready")) { DisplayName = "Workers", IsHighlighted = true },
        new("supervisor.balancing", status.Policy) { DisplayName = "Balancing", IsHighlighted = true },
        new("supervisor.reload", status.Reload is { } reload ? $"{reload.State}, {reload.Replaced} replaced ({reload.Trigger})" : "none yet") { DisplayName = "Rolling reload", IsHighlighted = true },
    ];

    // Properties the dashboard adds (resource.parentName among them) must survive every update.
    public static ImmutableArray<ResourcePropertySnapshot> Upsert(ImmutableArray<ResourcePropertySnapshot> properties, params ResourcePropertySnapshot[] updates) =>
        [.. properties.Where(property => updates.All(update => update.Name != property.Name)), .. updates];

    private static ImmutableArray<ResourcePropertySnapshot> Without(ImmutableArray<ResourcePropertySnapshot> properties, string name) =>
        [.. properties.Where(property => property.Name != name)];
}
