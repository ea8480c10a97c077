using Microsoft.Extensions.Options;

namespace ReferenceApp.ServiceDefaults.Hosting;

/// <summary>
/// The services' one rule for bad settings, the Supervisor's too: every problem, one line each on stderr, and exit code 2,
/// before anything serves. Options classes declare their rules (data annotations, or an <see cref="IValidateOptions{T}"/>
/// where a rule spans several values) and register with <c>ValidateOnStart()</c>. The host checks them all at start-up,
/// or sooner when building it reads one (Kestrel's limits); either way what it throws is unhandled, and this turns it into
/// those lines instead of a stack trace and SIGABRT's exit code 134. Any other exception is left to the runtime.
/// </summary>
internal static class SettingsCheck
{
    /// <summary>The exit code of a process that refused to start over its settings.</summary>
    public const int InvalidSettingsExitCode = 2;

    private static int s_installed;

    public static void Install(string applicationName)
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 1)
        {
            return;
        }

        AppDomain.CurrentDomain.UnhandledException += (_, args) =>
        {
            if (args.ExceptionObject is not Exception exception || Failures(exception) is not { Count: > 0 } failures)
            {
                return;
            }

            foreach (var failure in failures)
            {
                Console.Error.WriteLine($"{applicationName}: {failure}");
            }

            Console.Error.WriteLine($"{applicationName}: invalid settings; not starting.");
            // Safe here: the host was either never started or already disposed by the time its exception is unhandled, so
            // no shutdown handler waits on it.
            Environment.Exit(InvalidSettingsExitCode);
        };
    }

    /// <summary>Every failure message when <paramref name="exception"/> is made only of options validation failures; else none.</summary>
    internal static IReadOnlyList<string> Failures(Exception exception) => exception switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        AggregateException { InnerExceptions: var inner } when inner.Count > 0 && inner.All(e => e is OptionsValidationException) =>
            [.. inner.Cast<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => [],
    };
}
