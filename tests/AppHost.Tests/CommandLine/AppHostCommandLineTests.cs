using ReferenceApp.AppHost.Hosting;
using ReferenceApp.AppHost.Hosting.CommandLine;

namespace ReferenceApp.AppHost.Tests.CommandLine;

public sealed class AppHostCommandLineTests
{
    [Fact]
    public void Switches_follow_the_model_and_map_to_configuration_keys()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        builder.AddRedis("cache");
        builder.AddSupervisedProject("api", "Api").WithHttpEndpoint(5080);
        builder.AddProject("web", "Web").WithHttpEndpoint(5000);

        var mappings = AppHostCommandLine.SwitchMappings(AppHostCommandLine.Switches(builder.Resources));

        Assert.Equal("ConnectionStrings:cache", mappings["--cache"]);
        Assert.Equal("AppHost:Ports:cache", mappings["--cache-port"]);
        Assert.Equal("AppHost:Ports:api", mappings["--api-port"]);
        Assert.Equal("AppHost:Workers:api", mappings["--api-workers"]);
        Assert.Equal("AppHost:Balancing:api", mappings["--api-balancing"]);
        Assert.Equal("AppHost:Ports:web", mappings["--web-port"]);
        Assert.Equal("Dashboard:Port", mappings["--dashboard-port"]);
        Assert.False(mappings.ContainsKey("--web-workers"));
    }

    [Fact]
    public void Unknown_options_are_reported_but_values_and_configuration_keys_are_not()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        builder.AddProject("web", "Web");
        var switches = AppHostCommandLine.Switches(builder.Resources);

        var unknown = AppHostCommandLine.UnknownOptions(
            ["--web-port", "5000", "--AppHost:StopTimeoutSeconds", "5", "--webport", "1", "--dashboard-port=1", "--verbose"], switches);

        Assert.Equal(["--webport", "--verbose"], unknown);
    }

    [Fact]
    public void Help_lists_every_option_with_its_configuration_variable()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        builder.AddRedis("redis");
        builder.AddSupervisedProject("api", "Api").WithHttpEndpoint(5080);
        var switches = AppHostCommandLine.Switches(builder.Resources);

        var help = AppHostCommandLine.Help(builder.Resources, switches);

        foreach (var option in switches)
        {
            Assert.Contains(option.Name, help, StringComparison.Ordinal);
            Assert.Contains(option.EnvironmentVariable, help, StringComparison.Ordinal);
        }

        Assert.Contains("default 5080", help, StringComparison.Ordinal);
        Assert.Contains("--help", help, StringComparison.Ordinal);
    }
}
