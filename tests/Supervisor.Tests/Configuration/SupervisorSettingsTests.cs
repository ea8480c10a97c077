using System.Reflection;
using Microsoft.Extensions.Configuration;
using ReferenceApp.Supervisor.Configuration;

namespace ReferenceApp.Supervisor.Tests.Configuration;

/// <summary>The one path that reads, binds and checks the Supervisor's settings before anything starts.</summary>
[Trait("Tier", "Unit")]
public sealed class SupervisorSettingsTests
{
    [Fact]
    public void Every_problem_is_reported_at_once_typos_included()
    {
        var settings = Read(new()
        {
            ["Supervisor:Port"] = "0",
            ["Supervisor:Workers"] = "many",
            ["Supervisor:Address"] = "somewhere",
            ["Supervisor:MemoryLimitMb"] = "-1",
            ["Supervisor:Heartbeat:Timeout"] = "00:00:01",
            ["Supervisor:Wokers"] = "2",
            ["Supervisor:Restart:MaxDelays"] = "00:00:10",
            ["Supervisor:Sticky:PeekTimeout"] = "00:00:00",
        }, out var problems);

        Assert.Null(settings);
        Assert.Contains(problems, p => p.StartsWith("--app (Supervisor:App) is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("--port (Supervisor:Port)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("--workers (Supervisor:Workers)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("--address (Supervisor:Address)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("--memory-limit-mb", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Supervisor:Heartbeat:Timeout must be at least twice", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Supervisor:Sticky:PeekTimeout must be more than 0", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Unknown setting 'Supervisor:Wokers'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Unknown setting 'Supervisor:Restart:MaxDelays'", StringComparison.Ordinal));
        Assert.Equal(9, problems.Count);
    }

    [Fact]
    public void Valid_settings_resolve_the_app_and_the_service_name_once()
    {
        var settings = Read(new()
        {
            ["Supervisor:App"] = typeof(SupervisorSettingsTests).Assembly.Location,
            ["Supervisor:Port"] = "8080",
            ["Supervisor:Sticky:MaxPendingConnections"] = "2",
            ["Supervisor:AppArguments:0"] = "--verbose",
            ["OTEL_SERVICE_NAME"] = "shop",
        }, out var problems);

        Assert.Empty(problems);
        Assert.NotNull(settings);
        Assert.Equal(Path.GetFileNameWithoutExtension(typeof(SupervisorSettingsTests).Assembly.Location), settings.App.AssemblyName);
        Assert.Equal("shop", settings.ServiceName);
        Assert.Equal(2, settings.Options.Sticky.MaxPendingConnections);
        Assert.Equal(["--verbose"], settings.Options.AppArguments);
    }

    [Fact]
    public void A_value_that_does_not_convert_is_named()
    {
        Assert.Null(Read(new() { ["Supervisor:Port"] = "eighty" }, out var problems));

        Assert.Contains("Supervisor:Port", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Known_settings_are_exactly_the_options_properties()
    {
        // Nested option classes are groups (Restart:InitialDelay); the list setting binds indexes.
        static IEnumerable<string> Paths(Type type, string prefix) =>
            type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(property => property.Name != nameof(SupervisorOptions.AppArguments))
                .SelectMany(property => property.PropertyType.IsClass && property.PropertyType != typeof(string)
                    ? Paths(property.PropertyType, $"{prefix}{property.Name}:")
                    : [$"{prefix}{property.Name}"]);

        Assert.Equal(Paths(typeof(SupervisorOptions), string.Empty).Order(), SupervisorOptions.Settings.Order());
    }

    private static SupervisorSettings? Read(Dictionary<string, string?> values, out IReadOnlyList<string> problems) =>
        SupervisorSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out problems);
}
