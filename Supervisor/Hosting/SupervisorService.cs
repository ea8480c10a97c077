using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Balancing;
using ReferenceApp.Supervisor.Configuration;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Supervisor.Control;
using ReferenceApp.Supervisor.Policies;
using ReferenceApp.Supervisor.Workers;

namespace ReferenceApp.Supervisor.Hosting;

/// <summary>
/// The Supervisor's life: start the workers (fail fast if they do not start), announce readiness, run the watchdog,
/// reload on SIGHUP; on shutdown (SIGTERM, SIGINT, stdin EOF) stop accepting and drain every worker within the deadline.
/// </summary>
internal sealed partial class SupervisorService(
    WorkerPool pool,
    WorkerWatchdog watchdog,
    RollingReload reload,
    IBalancingPolicy balancer,
    ControlToken token,
    IServer server,
    IOptions<SupervisorOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<SupervisorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        try
        {
            // The control API listens first, so the ready line can name its port.
            await WhenStartedAsync(stoppingToken);
            var count = settings.ResolveWorkerCount();
            Log.Starting(logger, count, settings.Port, balancer.Mode);

            var problems = await pool.StartAsync(count, stoppingToken);
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await Console.Error.WriteLineAsync($"Supervisor: {problem}");
                }

                await Console.Error.WriteLineAsync("Supervisor: the app did not start; stopping.");
                Environment.ExitCode = ExitCodes.WorkersDidNotStart;
                lifetime.StopApplication();
                return;
            }

            using var reloadSignal = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // SIGHUP would end the process by default; here it means "reload", as for nginx and PM2.
                context.Cancel = true;
                reload.TryStart("SIGHUP", out _);
            });

            if (token.IsGenerated)
            {
                // Printed, not logged: logs travel to collectors, this line stays on the console of whoever started us.
                await Console.Out.WriteLineAsync($"Supervisor control token: {token.Value}");
            }

            await Console.Out.WriteLineAsync($"Supervisor ready: {count} workers on port {settings.Port}, control {ControlAddress()}");
            await watchdog.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: StopAsync drains the workers.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Log.Stopping(logger, options.Value.DrainTimeout.TotalSeconds);
        await balancer.StopAsync(cancellationToken);
        await pool.StopAsync();
        Log.Stopped(logger);
    }

    private async Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }

    private string ControlAddress() =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) ?? "(unknown)";

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SupervisorStarting, EventName = nameof(EventIds.SupervisorStarting), Level = LogLevel.Information,
            Message = "Starting {Workers} workers on port {Port} ({Balancing})")]
        public static partial void Starting(ILogger logger, int workers, int port, BalancingMode balancing);

        [LoggerMessage(EventId = EventIds.SupervisorStopping, EventName = nameof(EventIds.SupervisorStopping), Level = LogLevel.Information,
            Message = "Stopping: draining every worker (deadline {DeadlineSeconds:F0} s, then SIGKILL)")]
        public static partial void Stopping(ILogger logger, double deadlineSeconds);

        [LoggerMessage(EventId = EventIds.SupervisorStopped, EventName = nameof(EventIds.SupervisorStopped), Level = LogLevel.Information,
            Message = "Every worker stopped")]
        public static partial void Stopped(ILogger logger);
    }
}

/// <summary>The Supervisor's exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Invalid settings, a missing app, or a public port held by another process: nothing was started.</summary>
    public const int InvalidSettings = 2;

    /// <summary>The initial workers did not start (the app exited or did not report ready in time).</summary>
    public const int WorkersDidNotStart = 3;
}
