using Microsoft.Extensions.Options;
using ReferenceApp.AppHost.Dashboard;
using ReferenceApp.AppHost.Hosting.Orchestration;

namespace ReferenceApp.AppHost.Hosting;

/// <summary>The AppHost: runs the app model's resources and the dashboard until Ctrl+C or SIGTERM (Aspire's <c>DistributedApplication</c>).</summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    /// <summary>Exit code for settings or an environment the AppHost cannot start with (taken port, unbuilt project, bad option).</summary>
    public const int InvalidSetupExitCode = 2;

    private readonly WebApplication _app;
    private readonly string? _help;
    private readonly IReadOnlyList<string> _problems;

    internal DistributedApplication(WebApplication app, string? help, IReadOnlyList<string> problems)
    {
        _app = app;
        _help = help;
        _problems = problems;
    }

    public IServiceProvider Services => _app.Services;

    public static DistributedApplicationBuilder CreateBuilder(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new DistributedApplicationBuilder(args);
    }

    /// <summary>
    /// Prints the help, or checks the setup and runs until stopped. Sets <see cref="Environment.ExitCode"/>: 0 after a
    /// graceful stop, <see cref="InvalidSetupExitCode"/> when it cannot start (with one line per problem on stderr).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (_help is not null)
        {
            await Console.Out.WriteAsync(_help);
            return;
        }

        var problems = _problems.Count > 0 ? _problems : Preflight();
        if (problems.Count > 0)
        {
            await Console.Error.WriteLineAsync("AppHost cannot start:");
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync($"  - {problem}");
            }

            Environment.ExitCode = InvalidSetupExitCode;
            return;
        }

        await _app.RunAsync(cancellationToken);
    }

    public void Run() => RunAsync().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private IReadOnlyList<string> Preflight()
    {
        try
        {
            _ = Services.GetRequiredService<IOptions<AppHostOptions>>().Value;
            _ = Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        }
        catch (OptionsValidationException exception)
        {
            return exception.Failures.ToArray();
        }
        catch (InvalidOperationException exception)
        {
            // The configuration binder's message names the key and the value it could not convert.
            return [exception.Message];
        }

        return Services.GetRequiredService<LaunchPlanner>().Plan();
    }
}
