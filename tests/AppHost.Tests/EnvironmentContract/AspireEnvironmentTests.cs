using ReferenceApp.AppHost.Hosting;
using ReferenceApp.AppHost.Hosting.ApplicationModel;
using ReferenceApp.AppHost.Hosting.EnvironmentContract;

namespace ReferenceApp.AppHost.Tests.EnvironmentContract;

public sealed class AspireEnvironmentTests
{
    private static readonly ServiceEnvironmentContext Development =
        new(new Uri("http://localhost:18889"), "0123456789abcdef", "Development", "web-abcd1234");

    [Fact]
    public void A_project_gets_exactly_the_variables_Aspire_gives_it()
    {
        var (web, _) = Model();

        var environment = AspireEnvironment.For(web, Development);

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["ASPNETCORE_URLS"] = "http://localhost:5000",
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__redis"] = "127.0.0.1:6379,password=secret",
                ["services__api__http__0"] = "http://localhost:5080",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://localhost:18889",
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
                ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-otlp-api-key=0123456789abcdef",
                ["OTEL_RESOURCE_ATTRIBUTES"] = "service.instance.id=web-abcd1234",
                ["OTEL_SERVICE_NAME"] = "web",
                ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
                ["OTEL_TRACES_SAMPLER"] = "always_on",
                ["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based",
                ["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES"] = "true",
                ["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES"] = "true",
                ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory",
                ["LOGGING__CONSOLE__FORMATTERNAME"] = "simple",
                ["LOGGING__CONSOLE__FORMATTEROPTIONS__TIMESTAMPFORMAT"] = "yyyy-MM-ddTHH:mm:ss.fffffff ",
                ["REFERENCEAPP_STOP_ON_STDIN_EOF"] = "1",
            }.OrderBy(pair => pair.Key, StringComparer.Ordinal),
            environment.OrderBy(pair => pair.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Outside_development_there_are_no_short_batch_delays_nor_sampling_overrides()
    {
        var (web, _) = Model();

        var environment = AspireEnvironment.For(web, Development with { EnvironmentName = "Production" });

        Assert.Equal("Production", environment["ASPNETCORE_ENVIRONMENT"]);
        Assert.DoesNotContain(environment.Keys, key => key is "OTEL_BLRP_SCHEDULE_DELAY" or "OTEL_BSP_SCHEDULE_DELAY"
            or "OTEL_METRIC_EXPORT_INTERVAL" or "OTEL_TRACES_SAMPLER" or "OTEL_METRICS_EXEMPLAR_FILTER");
        Assert.Equal("grpc", environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
    }

    [Fact]
    public void A_supervised_project_gets_its_port_as_an_option_not_as_ASPNETCORE_URLS()
    {
        var (_, api) = Model();

        var environment = AspireEnvironment.For(api, Development with { InstanceId = "api-x1y2z3w4" });

        Assert.DoesNotContain("ASPNETCORE_URLS", environment.Keys);
        Assert.Equal("api", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=api-x1y2z3w4", environment["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("127.0.0.1:6379,password=secret", environment["ConnectionStrings__redis"]);
    }

    [Fact]
    public void WithEnvironment_wins_over_the_contract()
    {
        var (web, _) = Model();
        web.Environment["OTEL_TRACES_SAMPLER"] = "parentbased_traceidratio";
        web.Environment["FEATURE_X"] = "on";

        var environment = AspireEnvironment.For(web, Development);

        Assert.Equal("parentbased_traceidratio", environment["OTEL_TRACES_SAMPLER"]);
        Assert.Equal("on", environment["FEATURE_X"]);
    }

    [Theory]
    [InlineData("ASPNETCORE_URLS", true)]
    [InlineData("aspnetcore_http_ports", true)]
    [InlineData("Dashboard__BrowserToken", true)]
    [InlineData("AppHost__Ports__api", true)]
    [InlineData("ConnectionStrings__redis", true)]
    [InlineData("services__api__http__0", true)]
    [InlineData("PATH", false)]
    [InlineData("DOTNET_ROOT", false)]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", false)]
    public void The_AppHost_keeps_its_own_settings_and_secrets_from_its_children(string variable, bool removed) =>
        Assert.Equal(removed, AspireEnvironment.IsRemoved(variable));

    [Fact]
    public void Instance_ids_have_Aspire_shape_and_differ_per_call()
    {
        var first = AspireEnvironment.NewInstanceId("web");
        var second = AspireEnvironment.NewInstanceId("web");

        Assert.Matches("^web-[a-z0-9]{8}$", first);
        Assert.NotEqual(first, second);
    }

    private static (ProjectResource Web, SupervisedProjectResource Api) Model()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var redis = builder.AddRedis("redis");
        var api = builder.AddSupervisedProject("api", "Api").WithHttpEndpoint(5080).WithReference(redis);
        var web = builder.AddProject("web", "Web").WithHttpEndpoint(5000).WithReference(redis).WithReference(api);
        redis.Resource.Port.Allocated = 6379;
        redis.Resource.Password = "secret";
        api.Resource.Port.Allocated = 5080;
        web.Resource.Port.Allocated = 5000;
        return (web.Resource, api.Resource);
    }
}
