namespace ReferenceApp.Supervisor.Contracts;

/// <summary>How new connections on the public port reach the workers.</summary>
public enum BalancingMode
{
    /// <summary>Every worker binds the port with SO_REUSEPORT and the kernel spreads connections; the Supervisor is not in the path.</summary>
    ReusePort,

    /// <summary>The Supervisor accepts and hands each connection to the next ready worker (SCM_RIGHTS), as Node's cluster does.</summary>
    RoundRobin,

    /// <summary>As <see cref="RoundRobin"/>, but a client's connections go to the worker named by its affinity cookie.</summary>
    Sticky,
}
