using Microsoft.Extensions.Configuration;
using ReferenceApp.Supervisor.Configuration;

namespace ReferenceApp.Supervisor.Tests.Configuration;

[Trait("Tier", "Unit")]
public sealed class CommandLineSwitchesTests
{
    [Fact]
    public void Switches_map_onto_the_Supervisor_section_and_worker_arguments_follow_the_double_dash()
    {
        var result = CommandLineSwitches.Parse(
            ["--app", "Api", "--port=8080", "--workers", "auto", "--drain-timeout", "30", "--Supervisor:Restart:MaxDelay", "00:00:10", "--", "--urls", "x"]);

        Assert.Empty(result.Errors);
        var options = Bind(result.Settings);
        Assert.Equal("Api", options.App);
        Assert.Equal(8080, options.Port);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DrainTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Restart.MaxDelay);
        Assert.Equal(["--urls", "x"], options.AppArguments);
        Assert.Equal(Math.Clamp(Environment.ProcessorCount, 1, 64), options.ResolveWorkerCount());
    }

    [Fact]
    public void Unknown_switches_missing_values_and_a_token_on_the_command_line_are_errors()
    {
        var result = CommandLineSwitches.Parse(["--wokers", "2", "--port", "--app", "x", "stray", "--Supervisor:ControlToken", "secret-secret-secret"]);

        Assert.Equal(
        [
            "Unknown option '--wokers'. Run with --help for the options.",
            "Unexpected argument '2'. Options start with --; worker arguments go after '--'.",
            "Option '--port' needs a value.",
            "Unexpected argument 'stray'. Options start with --; worker arguments go after '--'.",
            "The control token is not accepted on the command line (other users can read it there): set Supervisor__ControlToken.",
        ], result.Errors);
    }

    private static SupervisorOptions Bind(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new SupervisorOptions();
        configuration.GetSection(SupervisorOptions.SectionName).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        return options;
    }
}
