using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Balancing.Handoff;
using ReferenceApp.Supervisor.Balancing.Sticky;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Balancing;

/// <summary>
/// As <see cref="RoundRobinPolicy"/>, but a new connection whose first request carries the affinity cookie of a ready
/// worker goes to that worker, so the negotiate, long-polling, server-sent-events and WebSocket requests of one SignalR
/// or Blazor Server client all reach the same process. Workers set the cookie; it names an opaque per-process id.
/// </summary>
internal sealed class StickyPolicy(IOptions<StickyOptions> options, ILogger<StickyPolicy> logger) : HandoffPolicy(options.Value, logger)
{
    public override BalancingMode Mode => BalancingMode.Sticky;
}
