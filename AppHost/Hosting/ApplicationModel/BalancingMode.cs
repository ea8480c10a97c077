namespace ReferenceApp.AppHost.Hosting.ApplicationModel;

/// <summary>How a Supervisor spreads connections over its workers (its <c>--balancing</c> option).</summary>
public enum BalancingMode
{
    /// <summary>Every worker binds the port with SO_REUSEPORT; the kernel spreads connections.</summary>
    ReusePort,

    /// <summary>The Supervisor accepts and hands each connection to the next ready worker.</summary>
    RoundRobin,

    /// <summary>As RoundRobin, but a client's connections stay with one worker (SignalR, Blazor Server).</summary>
    Sticky,
}
