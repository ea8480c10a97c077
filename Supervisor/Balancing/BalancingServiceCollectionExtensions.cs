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

    public static IServiceCollection AddBalancingPolicy(this IServiceCollection services, Func<IServiceProvider, BalancingMode> mode)
    {
        services.AddOptions<StickyOptions>().BindConfiguration(StickyOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StickyOptions>, StickyOptionsValidator>();
        services.AddSingleton<ForwardingDirectory>();
        return services.AddSingleton<IBalancingPolicy>(provider => mode(provider) switch
        {
            BalancingMode.ReusePort => ActivatorUtilities.CreateInstance<ReusePortPolicy>(provider),
            BalancingMode.RoundRobin => ActivatorUtilities.CreateInstance<RoundRobinPolicy>(provider),
            BalancingMode.Sticky => ActivatorUtilities.CreateInstance<StickyPolicy>(provider),
            var other => throw new NotSupportedException($"Balancing mode {other} is not implemented in this build."),
        });
    }
}
