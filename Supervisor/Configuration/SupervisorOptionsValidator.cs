using System.Globalization;
using System.Net;
using ReferenceApp.Supervisor.Balancing;
using ReferenceApp.Supervisor.Balancing.Sticky;

namespace ReferenceApp.Supervisor.Configuration;

/// <summary>
/// Checks every value at once, so an operator sees one clear message per problem (not the first only). Whether the app
/// resolves is <see cref="SupervisorSettings"/>' check, done once with the resolution it keeps.
/// </summary>
internal static class SupervisorOptionsValidator
{
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    public static IReadOnlyList<string> Check(SupervisorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (string.IsNullOrWhiteSpace(options.App))
        {
            failures.Add("--app (Supervisor:App) is required: the worker app's built .dll or its project directory.");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"--port (Supervisor:Port) must be between 1 and 65535, but was {options.Port}: the workers share this public port, so it must be known (0 is not allowed).");
        }

        if (!IPAddress.TryParse(options.Address, out _))
        {
            failures.Add($"--address (Supervisor:Address) must be an IP address such as 0.0.0.0, :: or 127.0.0.1, but was '{options.Address}'.");
        }

        if (!IsValidWorkers(options.Workers))
        {
            failures.Add($"--workers (Supervisor:Workers) must be 'auto' or a number from 1 to {SupervisorOptions.MaxWorkers}, but was '{options.Workers}'.");
        }

        if (!Enum.IsDefined(options.Balancing) || !BalancingServiceCollectionExtensions.SupportedModes.Contains(options.Balancing))
        {
            failures.Add($"--balancing (Supervisor:Balancing) '{options.Balancing}' is not available; this build supports: {string.Join(", ", BalancingServiceCollectionExtensions.SupportedModes)}.");
        }

        if (options.ControlPort is < 0 or > 65535)
        {
            failures.Add($"--control-port (Supervisor:ControlPort) must be between 0 (pick a free port) and 65535, but was {options.ControlPort}.");
        }
        else if (options.ControlPort != 0 && options.ControlPort == options.Port)
        {
            failures.Add("--control-port (Supervisor:ControlPort) must differ from --port.");
        }

        if (options.ControlToken is { } token && (token.Length < 16 || token.Any(char.IsWhiteSpace)))
        {
            failures.Add("Supervisor:ControlToken must be at least 16 characters without spaces (leave it unset to have one generated).");
        }

        if (options.WorkerInstanceId is not { } instanceId || !instanceId.Contains("{index}", StringComparison.Ordinal)
            || instanceId.Any(c => char.IsWhiteSpace(c) || c is ',' or '='))
        {
            failures.Add($"Supervisor:WorkerInstanceId must contain '{{index}}' (each worker needs its own id) and no spaces, commas or '=', but was '{options.WorkerInstanceId}'.");
        }

        if (options.Name is { } serviceName && (string.IsNullOrWhiteSpace(serviceName) || serviceName.Any(c => char.IsWhiteSpace(c) || c is ',' or '=')))
        {
            failures.Add($"--name (Supervisor:Name) must be a non-empty name without spaces, commas or '=', but was '{serviceName}'.");
        }

        if (options.MemoryLimitMb < 0)
        {
            failures.Add($"--memory-limit-mb (Supervisor:MemoryLimitMb) must be 0 (off) or a positive number of MiB, but was {options.MemoryLimitMb}.");
        }

        CheckDuration(failures, "--start-timeout (Supervisor:StartTimeout)", options.StartTimeout, TimeSpan.FromSeconds(1));
        CheckDuration(failures, "--drain-timeout (Supervisor:DrainTimeout)", options.DrainTimeout, TimeSpan.Zero);
        CheckDuration(failures, "Supervisor:Restart:InitialDelay", options.Restart.InitialDelay, TimeSpan.Zero);
        CheckDuration(failures, "Supervisor:Restart:MaxDelay", options.Restart.MaxDelay, TimeSpan.Zero);
        CheckDuration(failures, "Supervisor:Restart:StableAfter", options.Restart.StableAfter, TimeSpan.FromMilliseconds(1));
        CheckDuration(failures, "Supervisor:CrashLoop:Window", options.CrashLoop.Window, TimeSpan.FromMilliseconds(1));
        CheckDuration(failures, "Supervisor:Heartbeat:Interval", options.Heartbeat.Interval, TimeSpan.FromMilliseconds(50));
        CheckDuration(failures, "Supervisor:Heartbeat:Timeout", options.Heartbeat.Timeout, TimeSpan.FromMilliseconds(100));

        if (options.Restart.MaxDelay < options.Restart.InitialDelay)
        {
            failures.Add("Supervisor:Restart:MaxDelay must not be shorter than Supervisor:Restart:InitialDelay.");
        }

        if (options.Restart.Multiplier is < 1 or > 10 || double.IsNaN(options.Restart.Multiplier))
        {
            failures.Add($"Supervisor:Restart:Multiplier must be between 1 and 10, but was {options.Restart.Multiplier.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (options.CrashLoop.MaxUnstableExits is < 1 or > 1000)
        {
            failures.Add($"Supervisor:CrashLoop:MaxUnstableExits must be between 1 and 1000, but was {options.CrashLoop.MaxUnstableExits}.");
        }

        if (options.Heartbeat.Timeout < options.Heartbeat.Interval * 2)
        {
            failures.Add("Supervisor:Heartbeat:Timeout must be at least twice Supervisor:Heartbeat:Interval, or one late heartbeat kills a healthy worker.");
        }

        StickyOptionsValidator.Check(options.Sticky, failures);
        return failures;
    }

    private static bool IsValidWorkers(string? workers) =>
        workers is not null
        && (workers.Trim().Equals(SupervisorOptions.AutoWorkers, StringComparison.OrdinalIgnoreCase)
            || (int.TryParse(workers, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= SupervisorOptions.MaxWorkers));

    private static void CheckDuration(List<string> failures, string setting, TimeSpan value, TimeSpan minimum)
    {
        if (value < minimum || value > MaxTimeout)
        {
            failures.Add($"{setting} must be between {minimum:c} and {MaxTimeout:c} (format hh:mm:ss[.fff], e.g. 00:00:05), but was {value:c}.");
        }
    }
}
