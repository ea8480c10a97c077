using Aspire.Hosting.ApplicationModel;
using ReferenceApp.Supervisor.Contracts;

namespace Aspire.Hosting;

/// <summary>
/// A project run as worker processes under a Supervisor: the resource is the Supervisor's process (an executable, so its PID
/// is the Supervisor's), which binds the public <see cref="HttpEndpointName"/> endpoint itself and hands its connections to
/// the workers. Each worker shows as a <see cref="SupervisedWorkerResource"/> nested under it.
/// </summary>
public sealed class SupervisedProjectResource(string name, string command, string workingDirectory, string workerProjectPath, ParameterResource? controlToken)
    : ExecutableResource(name, command, workingDirectory), IResourceWithServiceDiscovery
{
    /// <summary>The public endpoint: the port every worker serves.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>The Supervisor's control API on loopback (status and commands, bearer token); never handed to references.</summary>
    public const string ControlEndpointName = "control";

    /// <summary>The .csproj of the app the workers run.</summary>
    public string WorkerProjectPath { get; } = workerProjectPath;

    /// <summary>The control API's bearer token: a secret generated per run; null in publish mode, where no Supervisor runs.</summary>
    public ParameterResource? ControlToken { get; } = controlToken;

    public EndpointReference HttpEndpoint => field ??= new(this, HttpEndpointName);

    public EndpointReference ControlEndpoint => field ??= new(this, ControlEndpointName);

    /// <summary>How many workers the Supervisor starts with.</summary>
    public WorkerCount Workers { get; set; } = WorkerCount.Auto;

    public BalancingMode Balancing { get; set; } = BalancingMode.RoundRobin;

    /// <summary>Resident memory (MiB) above which a worker is recycled; null leaves the policy off.</summary>
    public int? MemoryLimitMb { get; set; }

    /// <summary>
    /// The child resources, one per worker slot the dashboard can show. Aspire's model is fixed once the app is built, so the
    /// slots are created up front and shown or hidden as the Supervisor scales; scaling never goes past their number.
    /// </summary>
    public IReadOnlyList<SupervisedWorkerResource> Slots => _slots;

    internal List<SupervisedWorkerResource> SlotList => _slots;

    private readonly List<SupervisedWorkerResource> _slots = [];

    /// <summary>The control API's address and token, once the endpoint is allocated.</summary>
    public async Task<ControlEndpoint> GetControlEndpointAsync(CancellationToken cancellationToken)
    {
        var parameter = ControlToken ?? throw new InvalidOperationException($"{Name}: no Supervisor runs in publish mode.");
        var token = await parameter.GetValueAsync(cancellationToken)
            ?? throw new InvalidOperationException($"{Name}: the control token parameter has no value.");
        // 127.0.0.1, not the endpoint's "localhost": the control API listens on IPv4 loopback only.
        return new ControlEndpoint(new Uri($"http://127.0.0.1:{ControlEndpoint.Port}/"), token);
    }
}

/// <summary>One worker slot of a <see cref="SupervisedProjectResource"/>: its process, state, PID, restarts and memory.</summary>
public sealed class SupervisedWorkerResource(string name, SupervisedProjectResource supervisor, int index) : Resource(name)
{
    public SupervisedProjectResource Supervisor { get; } = supervisor;

    /// <summary>The Supervisor's slot number (<c>WORKER_INDEX</c>); the worker's <c>service.instance.id</c>.</summary>
    public int Index { get; } = index;
}
