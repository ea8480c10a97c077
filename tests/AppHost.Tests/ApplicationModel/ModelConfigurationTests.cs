using Microsoft.Extensions.Configuration;
using ReferenceApp.AppHost.Hosting;
using ReferenceApp.AppHost.Hosting.ApplicationModel;

namespace ReferenceApp.AppHost.Tests.ApplicationModel;

public sealed class ModelConfigurationTests
{
    [Fact]
    public void Configuration_overrides_ports_workers_and_balancing_given_in_code()
    {
        var (resources, redis, api, web) = Model();
        var problems = ModelConfiguration.Apply(Configuration(new()
        {
            ["AppHost:Ports:api"] = "6080",
            ["AppHost:Ports:web"] = "0",
            ["AppHost:Workers:api"] = "3",
            ["AppHost:Balancing:api"] = "roundrobin",
        }), resources);

        Assert.Empty(problems);
        Assert.Equal(6080, api.Port.Requested);
        Assert.Equal(3, api.Workers.Fixed);
        Assert.Equal(BalancingMode.RoundRobin, api.Balancing);
        Assert.False(web.Port.IsFixed);
        Assert.Null(redis.ExternalConnectionString);
    }

    [Fact]
    public void A_configured_connection_string_makes_redis_external()
    {
        var (resources, redis, _, _) = Model();

        ModelConfiguration.Apply(Configuration(new() { ["ConnectionStrings:redis"] = "cache.example:6380,password=x" }), resources);

        Assert.Equal("cache.example:6380,password=x", redis.ExternalConnectionString);
        Assert.Equal("cache.example:6380,password=x", redis.ConnectionString);
    }

    [Theory]
    [InlineData("cache.example:6379,colour=blue")]
    [InlineData(",password=x")]
    public void A_connection_string_that_is_not_one_for_Redis_is_reported(string connectionString)
    {
        var (resources, _, _, _) = Model();

        var problems = ModelConfiguration.Apply(Configuration(new() { ["ConnectionStrings:redis"] = connectionString }), resources);

        Assert.StartsWith("ConnectionStrings:redis is not a Redis connection string", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_bad_setting_gets_its_own_message_naming_the_key_and_the_fix()
    {
        var (resources, _, _, _) = Model();

        var problems = ModelConfiguration.Apply(Configuration(new()
        {
            ["AppHost:Ports:apii"] = "6000",
            ["AppHost:Ports:web"] = "http",
            ["AppHost:Workers:api"] = "0",
            ["AppHost:Workers:web"] = "2",
            ["AppHost:Balancing:api"] = "Random",
        }), resources);

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("AppHost:Ports:apii names no resource", StringComparison.Ordinal) && p.Contains("redis, api, web", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("AppHost:Ports:web must be a TCP port 0-65535", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("AppHost:Workers:api must be 'auto' or 1-64", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("AppHost:Workers:web names no supervised project; those are: api", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("AppHost:Balancing:api must be one of ReusePort, RoundRobin, Sticky", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_resources_on_one_fixed_port_are_reported()
    {
        var (resources, _, _, _) = Model();

        var problems = ModelConfiguration.Apply(Configuration(new() { ["AppHost:Ports:web"] = "5080" }), resources);

        Assert.Equal(["Port 5080 is given to more than one resource (api, web); give each its own, e.g. AppHost__Ports__web=0 for a free one."], problems);
    }

    private static (IReadOnlyList<Resource> Resources, RedisResource Redis, SupervisedProjectResource Api, ProjectResource Web) Model()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var redis = builder.AddRedis("redis");
        var api = builder.AddSupervisedProject("api", "Api").WithHttpEndpoint(5080).WithReference(redis);
        var web = builder.AddProject("web", "Web").WithHttpEndpoint(5000).WithReference(api);
        return (builder.Resources, redis.Resource, api.Resource, web.Resource);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
