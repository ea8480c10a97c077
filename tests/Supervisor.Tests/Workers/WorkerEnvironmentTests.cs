using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Tests.Workers;

[Trait("Tier", "Unit")]
public sealed class WorkerEnvironmentTests
{
    [Fact]
    public void Worker_gets_the_contract_and_loses_listen_addresses_and_the_Supervisors_settings()
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = "http://+:80",
            ["ASPNETCORE_HTTP_PORTS"] = "8080",
            ["Supervisor__ControlToken"] = "secret",
            ["SUPERVISOR_CHANNEL"] = "/outer/supervisor.sock",
            ["ConnectionStrings__redis"] = "localhost:6379",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment=prod,service.instance.id=api-supervisor",
        };

        WorkerEnvironment.Apply(environment, new WorkerIdentityPlan(1, 4, "api", "api-1", "api-1"), new WorkerChannelPlan("/run/w7.sock", "abc"), TimeSpan.FromSeconds(20));

        Assert.False(environment.ContainsKey("ASPNETCORE_URLS"));
        Assert.False(environment.ContainsKey("ASPNETCORE_HTTP_PORTS"));
        Assert.False(environment.ContainsKey("Supervisor__ControlToken"));
        Assert.Equal("localhost:6379", environment["ConnectionStrings__redis"]);
        Assert.Equal("1", environment["WORKER_INDEX"]);
        Assert.Equal("4", environment["WORKER_COUNT"]);
        Assert.Equal("1", environment["REFERENCEAPP_STOP_ON_STDIN_EOF"]);
        Assert.Equal("/run/w7.sock", environment["SUPERVISOR_CHANNEL"]);
        Assert.Equal("abc", environment["SUPERVISOR_CHANNEL_SECRET"]);
        Assert.Equal("20", environment["DOTNET_SHUTDOWNTIMEOUTSECONDS"]);
        Assert.Equal("api", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("deployment.environment=prod,service.instance.id=api-1", environment["OTEL_RESOURCE_ATTRIBUTES"]);
    }

    [Fact]
    public void Worker_reports_the_name_its_Supervisor_resolved_even_over_an_inherited_OTEL_SERVICE_NAME()
    {
        // The Supervisor ran with --name orders under an environment that said "shop": its workers must say orders too.
        var environment = new Dictionary<string, string?> { ["OTEL_SERVICE_NAME"] = "shop" };

        WorkerEnvironment.Apply(environment, new WorkerIdentityPlan(0, 2, "orders", "orders-0", "orders-0"), new WorkerChannelPlan("/run/w1.sock", "abc"), TimeSpan.FromSeconds(20));

        Assert.Equal("orders", environment["OTEL_SERVICE_NAME"]);
    }

    [Theory]
    [InlineData("orders", "shop", "Api", "orders")]
    [InlineData(null, "shop", "Api", "shop")]
    [InlineData(" ", "", "Contoso.Api", "contoso.api")]
    public void Service_name_is_the_configured_name_else_OTEL_SERVICE_NAME_else_the_assembly_in_lower_case(string? configured, string? otel, string assembly, string expected) =>
        Assert.Equal(expected, ServiceNames.Resolve(configured, otel, assembly));

    [Theory]
    [InlineData(SupervisorOptions.DefaultWorkerInstanceId, "api-3")]
    [InlineData("{index}", "3")]
    [InlineData("eu-{name}-{index}", "eu-api-3")]
    public void Worker_instance_id_follows_the_configured_template(string template, string expected) =>
        Assert.Equal(expected, new SupervisorOptions { WorkerInstanceId = template }.FormatWorkerInstanceId("api", 3));

    [Fact]
    public void Dll_that_does_not_exist_and_directory_without_a_project_are_explained()
    {
        Assert.False(WorkerApplication.TryResolve("/nonexistent/App.dll", out _, out var missing));
        Assert.Contains("no such file", missing, StringComparison.Ordinal);

        var empty = Directory.CreateTempSubdirectory("supervisor-empty-");
        try
        {
            Assert.False(WorkerApplication.TryResolve(empty.FullName, out _, out var noProject));
            Assert.Contains("holds no .csproj", noProject, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete();
        }
    }
}
