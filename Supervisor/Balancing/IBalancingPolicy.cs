using System.Net;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Balancing;

/// <summary>
/// Decides how connections on the public port reach the workers. The Supervisor core calls it in this order:
/// <see cref="StartAsync"/> once before any worker starts; <see cref="ConfigureWorker"/> before each worker process starts;
/// <see cref="WorkerReady"/> and <see cref="WorkerLeaving"/> as each worker comes and goes; <see cref="StopAsync"/> once at
/// shutdown, before the workers are drained. The notifications arrive from several threads and must not block.
/// </summary>
public interface IBalancingPolicy
{
    BalancingMode Mode { get; }

    /// <summary>
    /// Prepares the public port: ReusePort only checks that no other process holds it; a handoff policy binds, listens and
    /// starts its accept loop. Throw <see cref="BalancingException"/> with a message a person can act on when it cannot.
    /// </summary>
    ValueTask StartAsync(BalancingContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Adds what one worker process needs to its environment before it starts; at least
    /// <see cref="WorkerVariables.Listen"/> (<c>reuseport://address:port</c> or <c>handoff://socket-path</c>).
    /// </summary>
    void ConfigureWorker(BalancedWorker worker, IDictionary<string, string?> environment);

    /// <summary>The worker finished starting and may receive new connections.</summary>
    void WorkerReady(BalancedWorker worker);

    /// <summary>The worker is draining, stopping or gone: it must receive no new connection. Called once per worker, also when it never got ready.</summary>
    void WorkerLeaving(BalancedWorker worker);

    /// <summary>The Supervisor is shutting down: stop accepting new connections on the public port.</summary>
    ValueTask StopAsync(CancellationToken cancellationToken);
}

/// <summary>What a policy needs to know about the cluster it serves.</summary>
/// <param name="Address">The address the public port is bound on (0.0.0.0 by default).</param>
/// <param name="Port">The public port.</param>
/// <param name="RuntimeDirectory">The Supervisor's private 0700 directory, for the policy's Unix domain sockets.</param>
public sealed record BalancingContext(IPAddress Address, int Port, string RuntimeDirectory)
{}

/// <summary>One worker process as a balancing policy sees it.</summary>
/// <param name="Index">The worker slot (0-based); during a rolling reload two processes share a slot for a moment.</param>
/// <param name="LaunchId">Unique per process the Supervisor launches (never reused): tells the old and new process of a slot apart.</param>
/// <param name="InstanceName">The worker's <c>service.instance.id</c>, e.g. <c>api-1</c>.</param>
/// <param name="ProcessId">The PID, or 0 before the process started.</param>
public sealed record BalancedWorker(int Index, long LaunchId, string InstanceName, int ProcessId);

/// <summary>A balancing policy cannot do its job (port in use, socket error): the message is shown to the operator as is.</summary>
public sealed class BalancingException : Exception
{
    public BalancingException()
    {
    }

    public BalancingException(string message)
        : base(message)
    {
    }

    public BalancingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
