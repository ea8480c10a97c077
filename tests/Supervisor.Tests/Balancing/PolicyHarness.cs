using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Handoff;
using ReferenceApp.Supervisor.Balancing.Handoff;
using ReferenceApp.Supervisor.Balancing.Sticky;
using ReferenceApp.Supervisor.Balancing;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Testing;

namespace ReferenceApp.Supervisor.Tests.Balancing;

/// <summary>
/// Drives a handoff policy through the seam exactly as the Supervisor core does, with in-process Kestrel workers that
/// receive their connections through it. Real sockets and real HTTP end to end; only the process boundary is missing
/// (the Supervisor-level tests have it).
/// </summary>
internal sealed class PolicyHarness : IAsyncDisposable
{
    private readonly string _directory;
    private readonly List<InProcessWorker> _workers = [];
    private long _nextLaunch;

    private PolicyHarness(HandoffPolicy policy, string directory, int port)
    {
        Policy = policy;
        _directory = directory;
        Port = port;
    }

    public HandoffPolicy Policy { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");

    public static async Task<PolicyHarness> StartAsync(BalancingMode mode, StickyOptions? sticky = null)
    {
        var directory = Directory.CreateTempSubdirectory("ra-bal-").FullName;
        HandoffPolicy policy = mode switch
        {
            BalancingMode.RoundRobin => new RoundRobinPolicy(NullLogger<RoundRobinPolicy>.Instance),
            BalancingMode.Sticky => new StickyPolicy(Options.Create(sticky ?? new StickyOptions()), new ForwardingDirectory(), NullLogger<StickyPolicy>.Instance),
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
        var port = FreePort.Next();
        await policy.StartAsync(new BalancingContext(IPAddress.Loopback, port, directory), CancellationToken.None);
        return new PolicyHarness(policy, directory, port);
    }

    /// <summary>Configures, starts and reports ready one worker, as the core does for a new process.</summary>
    public async Task<InProcessWorker> AddWorkerAsync(int index, bool ready = true)
    {
        var launch = Interlocked.Increment(ref _nextLaunch);
        var name = $"w{index.ToString(CultureInfo.InvariantCulture)}-{launch.ToString(CultureInfo.InvariantCulture)}";
        var balanced = new BalancedWorker(index, launch, name, Environment.ProcessId);
        var environment = new Dictionary<string, string?>
        {
            [WorkerVariables.ChannelSecret] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
        };
        Policy.ConfigureWorker(balanced, environment);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        foreach (var (key, value) in environment)
        {
            builder.Configuration[key] = value;
        }

        builder.AddSupervision();
        var app = builder.Build();
        app.UseSupervision();
        app.MapGet("/who", () => name);
        app.MapMethods("/who", [HttpMethods.Options], () => name);
        await app.StartAsync();

        var worker = new InProcessWorker(balanced, name, app, environment.GetValueOrDefault(WorkerVariables.AffinityId));
        _workers.Add(worker);
        // A real worker reports ready over its channel only after Kestrel bound, that is after it connected for handoffs;
        // wait for the Supervisor's side of that connection too, so that "ready" means routable here as well.
        Assert.True(await Policy.WorkerConnected(launch).WaitAsync(TimeSpan.FromSeconds(30)), $"{name} never connected for handoffs");
        if (ready)
        {
            Policy.WorkerReady(balanced);
        }

        return worker;
    }

    /// <summary>As the core drains a worker: first no new connections, then the process stops.</summary>
    public async Task RemoveWorkerAsync(InProcessWorker worker)
    {
        Policy.WorkerLeaving(worker.Balanced);
        await worker.App.StopAsync();
        await worker.App.DisposeAsync();
        _workers.Remove(worker);
    }

    public async ValueTask DisposeAsync()
    {
        await Policy.StopAsync(CancellationToken.None);
        foreach (var worker in _workers.ToArray())
        {
            await RemoveWorkerAsync(worker);
        }

        await Policy.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

internal sealed record InProcessWorker(BalancedWorker Balanced, string Name, WebApplication App, string? AffinityId);
