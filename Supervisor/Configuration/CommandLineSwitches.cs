using System.Globalization;

namespace ReferenceApp.Supervisor.Configuration;

/// <summary>
/// The Supervisor's command line: friendly switches (<c>--app</c>, <c>--port</c> ...) mapped onto the <c>Supervisor</c>
/// configuration section, any setting by its configuration path (<c>--Supervisor:Restart:MaxDelay 00:00:10</c>), and
/// everything after <c>--</c> as the workers' own arguments. Unknown switches are errors: a typo must not be ignored.
/// </summary>
internal static class CommandLineSwitches
{
    private const string Prefix = SupervisorOptions.SectionName + ":";

    private static readonly Dictionary<string, string> Switches = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--app"] = nameof(SupervisorOptions.App),
        ["--port"] = nameof(SupervisorOptions.Port),
        ["--address"] = nameof(SupervisorOptions.Address),
        ["--workers"] = nameof(SupervisorOptions.Workers),
        ["--balancing"] = nameof(SupervisorOptions.Balancing),
        ["--control-port"] = nameof(SupervisorOptions.ControlPort),
        ["--name"] = nameof(SupervisorOptions.Name),
        ["--memory-limit-mb"] = nameof(SupervisorOptions.MemoryLimitMb),
        ["--start-timeout"] = nameof(SupervisorOptions.StartTimeout),
        ["--drain-timeout"] = nameof(SupervisorOptions.DrainTimeout),
    };

    // On the command line a bare number of seconds is friendlier than hh:mm:ss (and "30" must not mean 30 days).
    private static readonly HashSet<string> DurationSwitches = new(StringComparer.OrdinalIgnoreCase) { "--start-timeout", "--drain-timeout" };

    public const string Usage = """
        Usage: Supervisor --app <worker .dll or project dir> --port <P> [options] [-- <worker arguments>]

          --app <path>            the worker app: a built .dll, or a project directory/.csproj with build output
          --port <P>              the public port every worker serves (1-65535)
          --address <ip>          address of the public port (default 0.0.0.0; :: for dual stack)
          --workers auto|<N>      worker processes (default auto = CPUs available to this process, 1-64)
          --balancing <mode>      RoundRobin (default), Sticky (affinity cookie) or ReusePort (kernel spreads)
          --control-port <C>      loopback port of the control API (default 0 = pick a free one)
          --name <name>           service name of the workers (default OTEL_SERVICE_NAME, else the app's name)
          --memory-limit-mb <M>   recycle a worker above M MiB resident memory (default 0 = off)
          --start-timeout <s>     seconds a worker may take to get ready (default 60)
          --drain-timeout <s>     seconds a stopping worker gets for in-flight requests before SIGKILL (default 20)
          --Supervisor:<Key> <v>  any other setting by its configuration path, e.g. --Supervisor:Restart:MaxDelay 00:00:10

        Every setting also comes from configuration: Supervisor__Port=8080, or the Supervisor section of appsettings.json.
        The control token comes only from Supervisor__ControlToken (or is generated): never put secrets on a command line.
        """;

    /// <summary>The parsed command line.</summary>
    public sealed record Result(IReadOnlyDictionary<string, string?> Settings, IReadOnlyList<string> Errors, bool HelpRequested);

    public static Result Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        var help = false;

        for (var i = 0; i < args.Count; i++)
        {
            var argument = args[i];
            if (argument == "--")
            {
                var appArguments = args.Skip(i + 1).ToArray();
                for (var a = 0; a < appArguments.Length; a++)
                {
                    settings[$"{Prefix}{nameof(SupervisorOptions.AppArguments)}:{a.ToString(CultureInfo.InvariantCulture)}"] = appArguments[a];
                }

                break;
            }

            if (argument is "--help" or "-h" or "-?")
            {
                help = true;
                continue;
            }

            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                errors.Add($"Unexpected argument '{argument}'. Options start with --; worker arguments go after '--'.");
                continue;
            }

            var (name, inlineValue) = argument.IndexOf('=', StringComparison.Ordinal) is var equals and > 0
                ? (argument[..equals], argument[(equals + 1)..])
                : (argument, null);

            string key;
            if (Switches.TryGetValue(name, out var property))
            {
                key = Prefix + property;
            }
            else if (name.Length > 2 + Prefix.Length && name[2..].StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                key = name[2..];
            }
            else
            {
                errors.Add($"Unknown option '{name}'. Run with --help for the options.");
                continue;
            }

            var value = inlineValue;
            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    errors.Add($"Option '{name}' needs a value.");
                    continue;
                }

                value = args[++i];
            }

            if (key.Equals("Supervisor:ControlToken", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add("The control token is not accepted on the command line (other users can read it there): set Supervisor__ControlToken.");
                continue;
            }

            settings[key] = DurationSwitches.Contains(name) ? SecondsToTimeSpan(value) : value;
        }

        return new Result(settings, errors, help);
    }

    private static string SecondsToTimeSpan(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture)
            : value;
}
