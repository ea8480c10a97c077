using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ReferenceApp.AppHost.Hosting.ApplicationModel;

/// <summary>
/// Applies configuration to the app model: <c>AppHost:Ports:&lt;name&gt;</c>, <c>AppHost:Workers:&lt;name&gt;</c>,
/// <c>AppHost:Balancing:&lt;name&gt;</c> and <c>ConnectionStrings:&lt;redis name&gt;</c>. Returns one actionable message per problem.
/// </summary>
public static class ModelConfiguration
{
    public static IReadOnlyList<string> Apply(IConfiguration configuration, IReadOnlyList<Resource> resources)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(resources);
        var problems = new List<string>();
        var section = configuration.GetSection(AppHostOptions.SectionName);

        foreach (var setting in section.GetSection("Ports").GetChildren())
        {
            var resource = Find(resources, setting.Key);
            var port = resource switch
            {
                ProjectResource project => project.Port,
                RedisResource redis => redis.Port,
                _ => null,
            };
            if (port is null)
            {
                problems.Add($"AppHost:Ports:{setting.Key} names no resource with a port; those are: {Names(resources.Where(r => r is ProjectResource or RedisResource))}.");
            }
            else if (!int.TryParse(setting.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 65535)
            {
                problems.Add($"AppHost:Ports:{setting.Key} must be a TCP port 0-65535 (0 = any free port), but is '{setting.Value}'.");
            }
            else
            {
                port.Requested = value;
            }
        }

        foreach (var setting in section.GetSection("Workers").GetChildren())
        {
            if (Find(resources, setting.Key) is not SupervisedProjectResource supervised)
            {
                problems.Add($"AppHost:Workers:{setting.Key} names no supervised project; those are: {Names(resources.OfType<SupervisedProjectResource>())}.");
            }
            else if (!WorkerCount.TryParse(setting.Value, out var workers))
            {
                problems.Add($"AppHost:Workers:{setting.Key} must be 'auto' or 1-{WorkerCount.Maximum}, but is '{setting.Value}'.");
            }
            else
            {
                supervised.Workers = workers;
            }
        }

        foreach (var setting in section.GetSection("Balancing").GetChildren())
        {
            if (Find(resources, setting.Key) is not SupervisedProjectResource supervised)
            {
                problems.Add($"AppHost:Balancing:{setting.Key} names no supervised project; those are: {Names(resources.OfType<SupervisedProjectResource>())}.");
            }
            else if (!Enum.TryParse<BalancingMode>(setting.Value, ignoreCase: true, out var mode) || !Enum.IsDefined(mode) || int.TryParse(setting.Value, out _))
            {
                problems.Add($"AppHost:Balancing:{setting.Key} must be one of {string.Join(", ", Enum.GetNames<BalancingMode>())}, but is '{setting.Value}'.");
            }
            else
            {
                supervised.Balancing = mode;
            }
        }

        foreach (var redis in resources.OfType<RedisResource>())
        {
            var connectionString = configuration.GetConnectionString(redis.Name);
            redis.ExternalConnectionString = string.IsNullOrWhiteSpace(connectionString) ? null : connectionString.Trim();
            if (redis.ExternalConnectionString is { } external && InvalidRedisConnectionString(external) is { } reason)
            {
                problems.Add($"ConnectionStrings:{redis.Name} is not a Redis connection string ({reason}); e.g. \"myhost:6379,password=...\".");
            }
        }

        problems.AddRange(FixedPortClashes(resources));
        return problems;
    }

    private static IEnumerable<string> FixedPortClashes(IReadOnlyList<Resource> resources) =>
        resources
            .Select(r => (Resource: r, Port: r switch { ProjectResource p => p.Port.Requested, RedisResource { ExternalConnectionString: null } x => x.Port.Requested, _ => 0 }))
            .Where(entry => entry.Port != 0)
            .GroupBy(entry => entry.Port)
            .Where(group => group.Count() > 1)
            .Select(group => $"Port {group.Key} is given to more than one resource ({Names(group.Select(e => e.Resource))}); give each its own, e.g. AppHost__Ports__{group.Last().Resource.Name}=0 for a free one.");

    private static string? InvalidRedisConnectionString(string connectionString)
    {
        try
        {
            return StackExchange.Redis.ConfigurationOptions.Parse(connectionString).EndPoints.Count == 0 ? "no host:port in it" : null;
        }
        catch (ArgumentException exception)
        {
            return exception.Message;
        }
    }

    private static Resource? Find(IReadOnlyList<Resource> resources, string name) =>
        resources.FirstOrDefault(r => r.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static string Names(IEnumerable<Resource> resources)
    {
        var names = resources.Select(r => r.Name).ToArray();
        return names.Length == 0 ? "none" : string.Join(", ", names);
    }
}
