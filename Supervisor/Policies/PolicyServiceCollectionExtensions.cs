using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Configuration;

namespace ReferenceApp.Supervisor.Policies;

/// <summary>Registers the health policies the watchdog applies to every worker process.</summary>
internal static class PolicyServiceCollectionExtensions
{
    public static IServiceCollection AddWorkerHealthPolicies(this IServiceCollection services)
    {
        services.AddSingleton(provider => new HeartbeatPolicy(Settings(provider).Heartbeat));
        services.AddSingleton(provider => new MemoryPolicy(Settings(provider).MemoryLimitMb));
        return services;
    }

    private static SupervisorOptions Settings(IServiceProvider provider) => provider.GetRequiredService<IOptions<SupervisorOptions>>().Value;
}
