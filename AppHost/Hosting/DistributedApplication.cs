using ReferenceApp.AppHost.Hosting.Orchestration;

namespace ReferenceApp.AppHost.Hosting;

/// <summary>The AppHost: runs the app model's resources and the dashboard until Ctrl+C or SIGTERM (Aspire's <c>DistributedApplication</c>).</summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    /// <summary>Exit code for settings or an environment the AppHost cannot start with (taken port, unbuilt project, bad option).</summary>
    public const int InvalidSetupExitCode = 2;

    private readonly WebApplication? _app;
    private readonly string? _help;
    private readonly IReadOnlyList<string> _problems;

    internal DistributedApplication(WebApplication? app, string? help, IReadOnlyList<string> problems)
    {
        _app = app;
        _help = help;
        _problems = problems;
    }

    /// <summary>The AppHost's services; throws when the setup was invalid (see <see cref="RunAsync"/>).</summary>
    public IServiceProvider Services => Host.Services;

    private WebApplication Host => _app ?? throw new InvalidOperationException($"The AppHost cannot start: {string.Join(" ", _problems)}");

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

        var problems = _problems.Count > 0 ? _problems : Services.GetRequiredService<LaunchPlanner>().Plan();
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

        await Host.RunAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
