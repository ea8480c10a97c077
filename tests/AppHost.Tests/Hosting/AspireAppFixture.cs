using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace ReferenceApp.AppHost.Tests.Hosting;

/// <summary>
/// The real AppHost started once for the collection through Aspire.Hosting.Testing: DCP, the Aspire dashboard, Redis, both
/// Supervisors with two workers each, and the Web; every service port allocated free.
/// </summary>
public sealed class AspireAppFixture : IAsyncLifetime
{
    public const int Workers = 2;

    /// <summary>Every resource of this system's AppHost.</summary>
    public static readonly string[] Resources =
    [
        "redis",
        "api",
#if (!NoRealtime)
        "realtime",
#endif
#if (!NoWeb)
        "web",
#endif
    ];

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>From <c>StartAsync</c> (everything built) to every resource healthy.</summary>
    public TimeSpan TimeToHealthy { get; private set; }

    /// <summary>When each resource first became healthy, from <c>StartAsync</c>.</summary>
    public IReadOnlyDictionary<string, TimeSpan> HealthyAfter { get; private set; } = new Dictionary<string, TimeSpan>();

    public ResourceNotificationService Notifications => App.ResourceNotifications;

    public async Task InitializeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var workers = Workers.ToString(CultureInfo.InvariantCulture);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true },
            [
                "--Ports:Web=0", "--Ports:Api=0", "--Ports:Realtime=0", $"--Workers:Api={workers}", $"--Workers:Realtime={workers}",
                // Every resource's console lines reach the test log otherwise; failures still show theirs.
                "--Logging:LogLevel:AppHost.Resources=Warning",
            ],
            deadline.Token);
        App = await builder.BuildAsync(deadline.Token);
        var stopwatch = Stopwatch.StartNew();
        var healthy = Resources.ToDictionary(resource => resource, async resource =>
        {
            await Notifications.WaitForResourceHealthyAsync(resource, deadline.Token);
            return stopwatch.Elapsed;
        });
        await App.StartAsync(deadline.Token);
        await Task.WhenAll(healthy.Values);
        TimeToHealthy = stopwatch.Elapsed;
        HealthyAfter = healthy.ToDictionary(entry => entry.Key, entry => entry.Value.Result);
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    /// <summary>The current snapshot of a resource (a worker slot such as <c>api-0</c>).</summary>
    public CustomResourceSnapshot Snapshot(string resource) =>
        Notifications.TryGetCurrentState(resource, out var current)
            ? current.Snapshot
            : throw new InvalidOperationException($"No state for {resource}.");

    /// <summary>Waits until <paramref name="resource"/>'s snapshot satisfies <paramref name="condition"/>, up to <paramref name="deadline"/>.</summary>
    public async Task<CustomResourceSnapshot> WaitForAsync(string resource, Func<CustomResourceSnapshot, bool> condition, TimeSpan deadline, string what)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            return (await Notifications.WaitForResourceAsync(resource, resourceEvent => condition(resourceEvent.Snapshot), timeout.Token)).Snapshot;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"{resource} did not reach '{what}' within {deadline.TotalSeconds:F0} s; it shows {Describe(Snapshot(resource))}.");
        }
    }

    public static string Describe(CustomResourceSnapshot snapshot) =>
        $"state {snapshot.State?.Text}, hidden {snapshot.IsHidden}, " + string.Join(", ", snapshot.Properties.Select(p => $"{p.Name}={p.Value}"));
}

[CollectionDefinition(Name)]
public sealed class SharedAspireApp : ICollectionFixture<AspireAppFixture>
{
    public const string Name = "The AppHost under Aspire.Hosting.Testing";
}

/// <summary>Reading a worker slot's row.</summary>
public static class WorkerRows
{
    public static int? Pid(this CustomResourceSnapshot snapshot) => Property(snapshot, "executable.pid") is { } value ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;

    public static int Restarts(this CustomResourceSnapshot snapshot) => Convert.ToInt32(Property(snapshot, "worker.restarts") ?? 0, CultureInfo.InvariantCulture);

    public static bool IsReady(this CustomResourceSnapshot snapshot) => snapshot.State?.Text == "Ready" && !snapshot.IsHidden && snapshot.Pid() is not null;

    private static object? Property(CustomResourceSnapshot snapshot, string name) => snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value;
}
