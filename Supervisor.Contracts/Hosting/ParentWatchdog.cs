using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using ReferenceApp.Supervisor.Contracts.Wire;

namespace ReferenceApp.Supervisor.Contracts.Hosting;

/// <summary>
/// Stops the host when standard input reaches end-of-file. A parent (AppHost, Supervisor) starts its children with a
/// redirected stdin and never writes to it; the kernel closes that pipe when the parent dies, however it dies (even SIGKILL),
/// so no child is left orphaned holding a port. Enabled only by <see cref="WorkerVariables.StopOnStdinEof"/>: an unsupervised app run with
/// an empty stdin (as CI does) must not stop at once.
/// </summary>
public sealed partial class ParentWatchdog(IHostApplicationLifetime lifetime, ILogger<ParentWatchdog> logger) : BackgroundService
{
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration[WorkerVariables.StopOnStdinEof] is { } value && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A dedicated background thread: reading stdin blocks, a blocked thread-pool thread would be stolen from request
        // work, and the read cannot be cancelled. ExecuteAsync must not wait for it, or every graceful stop would hang
        // until the host's shutdown timeout with stdin still open.
        new Thread(() => WatchStandardInput(stoppingToken)) { IsBackground = true, Name = "Parent watchdog (stdin)" }.Start();
        return Task.CompletedTask;
    }

    private void WatchStandardInput(CancellationToken stoppingToken)
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[256];
        try
        {
            // Anything a parent writes is ignored; only end-of-file matters.
            while (!stoppingToken.IsCancellationRequested && stdin.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }
        catch (IOException)
        {
            // A broken pipe means the same as end-of-file: the parent is gone.
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            Log.ParentGone(logger);
            lifetime.StopApplication();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ParentGone, EventName = nameof(EventIds.ParentGone), Level = LogLevel.Warning,
            Message = "Standard input closed: the parent process is gone, stopping")]
        public static partial void ParentGone(ILogger logger);
    }
}

/// <summary>Registers <see cref="ParentWatchdog"/> when the parent asked for it.</summary>
public static class ParentWatchdogExtensions
{
    public static TBuilder AddParentWatchdog<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (ParentWatchdog.IsEnabled(builder.Configuration))
        {
            builder.Services.AddHostedService<ParentWatchdog>();
        }

        return builder;
    }
}
