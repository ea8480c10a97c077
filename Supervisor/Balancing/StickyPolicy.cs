using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Balancing.Handoff;
using ReferenceApp.Supervisor.Balancing.Sticky;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Balancing;

/// <summary>
/// As <see cref="RoundRobinPolicy"/>, but a new connection whose first request carries the affinity cookie of a ready
/// worker goes to that worker, so the negotiate, long-polling, server-sent-events and WebSocket requests of one SignalR
/// or Blazor Server client all reach the same process. Workers set the cookie; it names an opaque per-process id. A later
/// request on the same connection that names another worker (a proxy's or a pooling client's shared connection) is
/// forwarded by the worker to that one, over the private socket this policy gives every worker (<see cref="ForwardingDirectory"/>).
/// </summary>
internal sealed class StickyPolicy(IOptions<StickyOptions> options, ForwardingDirectory directory, ILogger<StickyPolicy> logger)
    : HandoffPolicy(options.Value, logger)
{
    public override BalancingMode Mode => BalancingMode.Sticky;

    protected override void ConfigureStickyWorker(BalancedWorker worker, string affinityId, BalancingContext context, IDictionary<string, string?> environment)
    {
        var path = Path.Combine(context.RuntimeDirectory, $"f{worker.LaunchId.ToString(CultureInfo.InvariantCulture)}.sock");
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        directory.Configured(worker.LaunchId, new ForwardingPeer { AffinityId = affinityId, SocketPath = path, Secret = secret });
        environment[WorkerVariables.ForwardListen] = path;
        environment[WorkerVariables.ForwardSecret] = secret;
    }

    protected override void OnWorkerReady(BalancedWorker worker) => directory.WorkerReady(worker.LaunchId, worker.ProcessId);

    protected override void OnWorkerLeaving(BalancedWorker worker)
    {
        if (directory.WorkerLeaving(worker.LaunchId) is not { } peer)
        {
            return;
        }

        // No new forwarded connections for a worker that is going; those already open finish their requests.
        try
        {
            File.Delete(peer.SocketPath);
        }
        catch (IOException)
        {
            // Gone with the runtime directory.
        }
    }
}
