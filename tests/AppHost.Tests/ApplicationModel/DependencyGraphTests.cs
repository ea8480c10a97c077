using ReferenceApp.AppHost.Hosting;
using ReferenceApp.AppHost.Hosting.ApplicationModel;

namespace ReferenceApp.AppHost.Tests.ApplicationModel;

public sealed class DependencyGraphTests
{
    [Fact]
    public void Dependencies_start_before_their_dependents_whatever_the_declaration_order()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var web = builder.AddProject("web", "Web");
        var api = builder.AddSupervisedProject("api", "Api");
        var redis = builder.AddRedis("redis");
        web.WithReference(api).WaitFor(api);
        api.WithReference(redis).WaitFor(redis);

        var order = DependencyGraph.StartOrder(builder.Resources).Select(r => r.Name);

        Assert.Equal(["redis", "api", "web"], order);
    }

    [Fact]
    public void Resources_stop_in_reverse_dependency_order()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var redis = builder.AddRedis("redis");
        var api = builder.AddSupervisedProject("api", "Api").WithReference(redis).WaitFor(redis);
        builder.AddProject("web", "Web").WithReference(api).WithReference(redis);

        var order = DependencyGraph.StopOrder(builder.Resources).Select(r => r.Name);

        Assert.Equal(["web", "api", "redis"], order);
    }

    [Fact]
    public void A_reference_without_WaitFor_still_orders_the_start()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var web = builder.AddProject("web", "Web");
        var redis = builder.AddRedis("redis");
        web.WithReference(redis);

        Assert.Equal(["redis", "web"], DependencyGraph.StartOrder(builder.Resources).Select(r => r.Name));
    }

    [Fact]
    public void A_dependency_cycle_is_rejected_naming_every_resource_in_it()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var a = builder.AddProject("a", "A");
        var b = builder.AddProject("b", "B");
        var c = builder.AddProject("c", "C");
        a.WaitFor(b);
        b.WaitFor(c);
        c.WithReference(a);

        var error = Assert.Throws<InvalidOperationException>(() => DependencyGraph.StartOrder(builder.Resources));

        Assert.Contains("a -> b -> c -> a", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }

    [Fact]
    public void A_resource_cannot_wait_for_itself()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var api = builder.AddProject("api", "Api");

        var error = Assert.Throws<InvalidOperationException>(() => api.WaitFor(api));

        Assert.Contains("'api' cannot depend on itself", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dependency_from_another_builder_is_rejected()
    {
        var other = DistributedApplication.CreateBuilder([]).AddRedis("redis");
        var builder = DistributedApplication.CreateBuilder([]);
        builder.AddProject("web", "Web").WithReference(other);

        var error = Assert.Throws<InvalidOperationException>(() => DependencyGraph.StartOrder(builder.Resources));

        Assert.Contains("'web' depends on 'redis', which was not added", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Api")]
    [InlineData("1api")]
    [InlineData("api--x")]
    [InlineData("api_x")]
    [InlineData("api-")]
    [InlineData("")]
    public void Names_that_cannot_be_service_names_are_rejected(string name)
    {
        var builder = DistributedApplication.CreateBuilder([]);

        Assert.Throws<ArgumentException>(() => builder.AddProject(name, "Api"));
    }

    [Fact]
    public void Two_resources_cannot_share_a_name()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        builder.AddRedis("cache");

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddProject("cache", "Api"));

        Assert.Contains("'cache' already exists", error.Message, StringComparison.Ordinal);
    }
}
