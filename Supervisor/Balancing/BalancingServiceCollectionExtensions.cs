using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Balancing.Sticky;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Supervisor.Balancing;

/// <summary>Chooses the balancing policy for a <see cref="BalancingMode"/>; the one place a new policy is registered.</summary>
public static class BalancingServiceCollectionExtensions
{
    /// <summary>The modes this build implements; the settings validator rejects the others with a clear message.</summary>
    public static IReadOnlySet<BalancingMode> SupportedModes { get; } = new HashSet<BalancingMode> { BalancingMode.ReusePort, BalancingMode.RoundRobin, BalancingMode.Sticky };

    /// <param name="sticky">The Sticky policy's settings, already checked (they are part of the Supervisor's).</param>
    public static IServiceCollection AddBalancingPolicy(this IServiceCollection services, BalancingMode mode, StickyOptions sticky)
    {
        services.AddSingleton(Options.Create(sticky));
        services.AddSingleton<ForwardingDirectory>();
        return services.AddSingleton<IBalancingPolicy>(provider => mode switch
        {
            BalancingMode.ReusePort => ActivatorUtilities.CreateInstance<ReusePortPolicy>(provider),
            BalancingMode.RoundRobin => ActivatorUtilities.CreateInstance<RoundRobinPolicy>(provider),
            BalancingMode.Sticky => ActivatorUtilities.CreateInstance<StickyPolicy>(provider),
            var other => throw new NotSupportedException($"Balancing mode {other} is not implemented in this build."),
        });
    }
}
