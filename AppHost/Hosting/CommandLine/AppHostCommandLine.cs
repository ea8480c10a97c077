using System.Globalization;
using System.Text;
using ReferenceApp.AppHost.Dashboard;
using ReferenceApp.AppHost.Hosting.ApplicationModel;

namespace ReferenceApp.AppHost.Hosting.CommandLine;

/// <summary>
/// The AppHost's options: short switches derived from the app model (<c>--api-port</c>, <c>--api-workers</c>, <c>--redis</c>, ...),
/// any configuration key (<c>--AppHost:StopTimeoutSeconds 30</c>), and <c>--help</c>.
/// </summary>
internal static class AppHostCommandLine
{
    private static readonly string[] HelpFlags = ["-h", "--help", "-?", "/?", "/h"];

    // Options the ASP.NET Core host itself understands.
    private static readonly string[] HostSwitches = ["--environment", "--contentRoot", "--applicationName"];

    public static bool IsHelp(string argument) => HelpFlags.Contains(argument, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<CommandLineSwitch> Switches(IReadOnlyList<Resource> resources)
    {
        var switches = new List<CommandLineSwitch>();
        foreach (var resource in resources)
        {
            switch (resource)
            {
                case RedisResource redis:
                    switches.Add(new($"--{redis.Name}", $"ConnectionStrings:{redis.Name}", "<connection string>",
                        $"use your own Redis for '{redis.Name}' (e.g. \"myhost:6379,password=...\"); nothing is started"));
                    switches.Add(new($"--{redis.Name}-port", $"{AppHostOptions.SectionName}:Ports:{redis.Name}", "<port>",
                        $"port of the embedded server (default {PortText(redis.Port.Requested)})"));
                    break;
                case SupervisedProjectResource supervised:
                    switches.Add(new($"--{supervised.Name}-port", $"{AppHostOptions.SectionName}:Ports:{supervised.Name}", "<port>",
                        $"public HTTP port of '{supervised.Name}' (default {PortText(supervised.Port.Requested)})"));
                    switches.Add(new($"--{supervised.Name}-workers", $"{AppHostOptions.SectionName}:Workers:{supervised.Name}", "<auto|1-64>",
                        $"workers of '{supervised.Name}' (default {supervised.Workers}: one per core, {Environment.ProcessorCount} here)"));
                    switches.Add(new($"--{supervised.Name}-balancing", $"{AppHostOptions.SectionName}:Balancing:{supervised.Name}",
                        $"<{string.Join('|', Enum.GetNames<BalancingMode>())}>", $"balancing of '{supervised.Name}' (default {supervised.Balancing})"));
                    break;
                case ProjectResource project:
                    switches.Add(new($"--{project.Name}-port", $"{AppHostOptions.SectionName}:Ports:{project.Name}", "<port>",
                        $"HTTP port of '{project.Name}' (default {PortText(project.Port.Requested)})"));
                    break;
            }
        }

        var dashboard = new DashboardOptions();
        switches.Add(new("--dashboard-port", $"{DashboardOptions.SectionName}:{nameof(DashboardOptions.Port)}", "<port>",
            $"dashboard UI (default {dashboard.Port})"));
        switches.Add(new("--otlp-grpc-port", $"{DashboardOptions.SectionName}:{nameof(DashboardOptions.OtlpGrpcPort)}", "<port>",
            $"OTLP/gRPC receiver every service exports to (default {dashboard.OtlpGrpcPort})"));
        switches.Add(new("--otlp-http-port", $"{DashboardOptions.SectionName}:{nameof(DashboardOptions.OtlpHttpPort)}", "<port>",
            $"OTLP/HTTP receiver (default {dashboard.OtlpHttpPort})"));
        switches.Add(new("--redis-server", $"{AppHostOptions.SectionName}:{nameof(AppHostOptions.RedisServer)}",
            $"<{string.Join('|', Enum.GetNames<RedisServerChoice>())}>", "embedded Redis server (default Auto: redis-server from PATH, else Garnet)"));
        switches.Add(new("--stop-timeout", $"{AppHostOptions.SectionName}:{nameof(AppHostOptions.StopTimeoutSeconds)}", "<seconds>",
            $"graceful stop deadline before what is left is killed (default {new AppHostOptions().StopTimeoutSeconds})"));
        return switches;
    }

    /// <summary>Options that are neither a known switch nor a configuration key (<c>--Section:Key</c>), so almost certainly typos.</summary>
    public static IReadOnlyList<string> UnknownOptions(IReadOnlyList<string> arguments, IReadOnlyList<CommandLineSwitch> switches)
    {
        var unknown = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (!argument.StartsWith('-') && !argument.StartsWith('/'))
            {
                continue; // a value
            }

            var name = argument.Split('=', 2)[0];
            var known = switches.Any(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                || name.Contains(':', StringComparison.Ordinal)
                || name.Contains("__", StringComparison.Ordinal)
                || HostSwitches.Contains(name, StringComparer.OrdinalIgnoreCase);
            if (!known)
            {
                unknown.Add(name);
            }
            else if (!argument.Contains('=', StringComparison.Ordinal))
            {
                i++; // skip its value
            }
        }

        return unknown;
    }

    public static Dictionary<string, string> SwitchMappings(IReadOnlyList<CommandLineSwitch> switches) =>
        switches.ToDictionary(s => s.Name, s => s.Key, StringComparer.OrdinalIgnoreCase);

    public static string Help(IReadOnlyList<Resource> resources, IReadOnlyList<CommandLineSwitch> switches)
    {
        var help = new StringBuilder()
            .AppendLine("ReferenceApp AppHost: starts every resource of the app model in dependency order and serves the dashboard.")
            .AppendLine()
            .AppendLine("Usage: dotnet run --project AppHost [-- <options>]")
            .AppendLine("       dotnet AppHost/bin/<Configuration>/net10.0/AppHost.dll [<options>]")
            .AppendLine()
            .Append("Resources: ").AppendLine(string.Join(", ", resources.Select(r => $"{r.Name} ({r.Type})")))
            .AppendLine()
            .AppendLine("Options:");
        var width = switches.Max(s => s.Name.Length + s.Value.Length) + 3;
        foreach (var option in switches)
        {
            help.Append(CultureInfo.InvariantCulture, $"  {(option.Name + " " + option.Value).PadRight(width)}{option.Description}").AppendLine()
                .Append(' ', width + 2).Append(CultureInfo.InvariantCulture, $"(configuration: {option.EnvironmentVariable})").AppendLine();
        }

        help.Append(CultureInfo.InvariantCulture, $"  {"-h, --help".PadRight(width)}this help").AppendLine()
            .AppendLine()
            .AppendLine("Any setting can also come from appsettings.json, an environment variable (AppHost__Ports__api=6000) or")
            .AppendLine("--<Section>:<Key> <value>. A port of 0 means any free port; the embedded Redis and the Supervisor control APIs")
            .AppendLine("get free ports unless given one.")
            .AppendLine("Secrets: Dashboard__BrowserToken and Dashboard__OtlpApiKey are generated for each run unless configured;")
            .AppendLine("the Redis password and the Supervisor control tokens are always generated.")
            .AppendLine("Stop with Ctrl+C or SIGTERM: resources stop in reverse dependency order within --stop-timeout.");
        return help.ToString();
    }

    private static string PortText(int port) => port == 0 ? "free" : port.ToString(CultureInfo.InvariantCulture);
}
