using Microsoft.Extensions.Configuration;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Configuration;

/// <summary>
/// The Supervisor's settings, read once before anything is built: the <c>Supervisor</c> section (the command line, the
/// environment and appsettings.json, in that order of precedence) bound to <see cref="SupervisorOptions"/>, checked, and the
/// worker app resolved. Every problem is collected (unknown keys, values that do not convert, values out of range, an app
/// that does not resolve), so an operator sees them all in one go. Everything after start-up uses this one result.
/// </summary>
public sealed class SupervisorSettings
{
    private SupervisorSettings(SupervisorOptions options, WorkerApplication app, string serviceName)
    {
        Options = options;
        App = app;
        ServiceName = serviceName;
    }

    public SupervisorOptions Options { get; }

    /// <summary>The worker app <see cref="SupervisorOptions.App"/> names, resolved to the assembly each worker runs.</summary>
    public WorkerApplication App { get; }

    /// <summary>
    /// The one service name the Supervisor and its workers report (<see cref="ServiceNames.Resolve"/>): --name, else
    /// OTEL_SERVICE_NAME, else the app's assembly name lower-cased.
    /// </summary>
    public string ServiceName { get; }

    /// <summary>The settings, or null with every problem found, one sentence each.</summary>
    public static SupervisorSettings? Read(IConfiguration configuration, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SupervisorOptions.SectionName);
        var found = UnknownKeys(section)
            .Select(key => $"Unknown setting '{SupervisorOptions.SectionName}:{key}': check the spelling (Supervisor__<Setting> in the environment, or the Supervisor section of appsettings.json).")
            .ToList();

        var options = new SupervisorOptions();
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException exception)
        {
            // The binder stops at the first value it cannot convert ("Failed to convert configuration value at
            // 'Supervisor:Port' to type 'System.Int32'"), so range checks on a half-bound instance would mislead.
            found.Add(exception.InnerException is { } cause ? $"{exception.Message} {cause.Message}" : exception.Message);
            problems = found;
            return null;
        }

        found.AddRange(SupervisorOptionsValidator.Check(options));
        WorkerApplication? app = null;
        if (!string.IsNullOrWhiteSpace(options.App) && !WorkerApplication.TryResolve(options.App, out app, out var appProblem))
        {
            found.Add(appProblem);
        }

        problems = found;
        return found.Count == 0 && app is not null
            ? new SupervisorSettings(options, app, ServiceNames.Resolve(options.Name, configuration[ServiceNames.Variable], app.AssemblyName))
            : null;
    }

    /// <summary>Every key under the section that no setting reads: a typo that would otherwise be ignored silently.</summary>
    private static IEnumerable<string> UnknownKeys(IConfigurationSection section) => UnknownKeys(section, section.Path.Length + 1);

    /// <param name="rootLength">How much of a key's path is the Supervisor section's own (<c>Supervisor:</c>).</param>
    private static IEnumerable<string> UnknownKeys(IConfigurationSection section, int rootLength)
    {
        foreach (var child in section.GetChildren())
        {
            var path = child.Path[rootLength..];
            if (SupervisorOptions.IsListSetting(path))
            {
                continue;
            }

            var group = child.GetChildren().Any();
            if (group ? !SupervisorOptions.IsSettingGroup(path) : !SupervisorOptions.IsSetting(path))
            {
                yield return path;
            }
            else if (group)
            {
                foreach (var nested in UnknownKeys(child, rootLength))
                {
                    yield return nested;
                }
            }
        }
    }
}
