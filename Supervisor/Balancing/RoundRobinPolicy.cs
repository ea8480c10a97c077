using Microsoft.Extensions.Logging;
using ReferenceApp.Supervisor.Balancing.Handoff;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Balancing;

/// <summary>
/// The Supervisor accepts every connection and hands it to the next ready worker, as Node's cluster does on Linux: an
/// even spread whatever the kernel's hashing, and a draining, starting or dead worker is simply skipped, so rolling
/// reloads lose no connection.
/// </summary>
internal sealed class RoundRobinPolicy(ILogger<RoundRobinPolicy> logger) : HandoffPolicy(sticky: null, logger)
{
    public override BalancingMode Mode => BalancingMode.RoundRobin;
}
