using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReferenceApp.Supervisor.Contracts.Wire;
using ReferenceApp.Supervisor.Worker.Forwarding;

namespace ReferenceApp.Supervisor.Worker;

/// <summary>
/// The worker's end of the Supervisor channel: presents the secret, reports ready once the host has started and its
/// health checks pass, sends heartbeats, and obeys drain/stop. When the channel closes, the Supervisor is gone and the
/// worker stops (a third net besides stdin EOF and PR_SET_PDEATHSIG).
/// </summary>
internal sealed partial class SupervisorChannelClient(
    SupervisorChannelSettings settings,
    RequestCounters counters,
    HealthCheckService healthChecks,
    IHostApplicationLifetime lifetime,
    IOptions<HostOptions> hostOptions,
    ILogger<SupervisorChannelClient> logger,
    SupervisionPipeline pipeline,
    PeerAddressBook? peers = null) : BackgroundService
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HealthRetryInterval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(settings.ChannelPath), stoppingToken);
            await using var stream = new NetworkStream(socket, ownsSocket: false);

            var interval = await HandshakeAsync(stream, stoppingToken);
            var commands = ReadCommandsAsync(stream, stoppingToken);

            await WhenStartedAsync(stoppingToken);
            if (!pipeline.Used)
            {
                throw new InvalidOperationException(
                    "A Supervisor started this worker, but its pipeline lacks app.UseSupervision(): call it first after builder.Build(), "
                    + "or sticky requests reach the wrong worker and draining counts no request.");
            }

            await WhenHealthyAsync(stoppingToken);
            await ChannelFraming.WriteAsync(stream, new ChannelMessage { Type = ChannelMessage.Ready }, stoppingToken);
            Log.Ready(logger);

            var heartbeats = SendHeartbeatsAsync(stream, interval, stoppingToken);
            await Task.WhenAny(commands, heartbeats);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: the channel closes with the process.
            return;
        }
        catch (Exception exception) when (exception is SocketException or IOException or InvalidDataException)
        {
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            Log.ChannelFailed(logger, exception);
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            // Without its channel the worker cannot be supervised: stopping lets the Supervisor replace it cleanly.
            Log.SupervisorGone(logger);
            lifetime.StopApplication();
        }
    }

    private async Task<TimeSpan> HandshakeAsync(Stream stream, CancellationToken stoppingToken)
    {
        await ChannelFraming.WriteAsync(stream, new ChannelMessage
        {
            Type = ChannelMessage.Hello,
            Secret = settings.Secret,
            ProcessId = Environment.ProcessId,
        }, stoppingToken);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(HandshakeTimeout);
        var welcome = await ChannelFraming.ReadAsync(stream, timeout.Token);
        if (welcome is not { Type: ChannelMessage.Welcome, HeartbeatIntervalMs: > 0 and var intervalMs })
        {
            throw new InvalidDataException("The Supervisor did not welcome this worker (wrong secret or a different protocol).");
        }

        return TimeSpan.FromMilliseconds(intervalMs);
    }

    private async Task ReadCommandsAsync(Stream stream, CancellationToken stoppingToken)
    {
        while (await ChannelFraming.ReadAsync(stream, stoppingToken) is { } message)
        {
            switch (message.Type)
            {
                case ChannelMessage.Drain:
                    StopGracefully(TimeSpan.FromMilliseconds(Math.Max(0, message.DeadlineMs ?? 0)), message.Type);
                    break;
                case ChannelMessage.Stop:
                    StopGracefully(TimeSpan.Zero, message.Type);
                    break;
                case ChannelMessage.Peers:
                    // Not under sticky balancing (no address book): nothing to learn from it.
                    if (peers is not null && message.PeersVersion is { } version && peers.Update(version, message.PeerList ?? []))
                    {
                        Log.PeersUpdated(logger, version, peers.Count);
                    }

                    break;
                default:
                    Log.UnknownCommand(logger, message.Type);
                    break;
            }
        }
    }

    private void StopGracefully(TimeSpan deadline, string command)
    {
        // The host reads ShutdownTimeout from this same options instance when it stops, so the Supervisor's deadline
        // bounds how long Kestrel waits for in-flight requests; zero (stop) aborts them at once.
        hostOptions.Value.ShutdownTimeout = deadline;
        Log.Stopping(logger, command, deadline.TotalMilliseconds);
        lifetime.StopApplication();
    }

    private async Task SendHeartbeatsAsync(Stream stream, TimeSpan interval, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            await ChannelFraming.WriteAsync(stream, new ChannelMessage
            {
                Type = ChannelMessage.Heartbeat,
                RssBytes = Environment.WorkingSet,
                GcHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
                InFlight = counters.InFlight,
                RequestsServed = counters.Served,
            }, stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }

    /// <summary>
    /// Runs the app's own health checks in process rather than over HTTP: with a shared port, a probe over the network could
    /// reach another worker. Degraded counts as ready (Redis down must not keep stateless workers out of service).
    /// </summary>
    private async Task WhenHealthyAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            var report = await healthChecks.CheckHealthAsync(stoppingToken);
            if (report.Status != HealthStatus.Unhealthy)
            {
                return;
            }

            Log.NotHealthyYet(logger);
            await Task.Delay(HealthRetryInterval, stoppingToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SupervisorReady, EventName = nameof(EventIds.SupervisorReady), Level = LogLevel.Information,
            Message = "Reported ready to the Supervisor")]
        public static partial void Ready(ILogger logger);

        [LoggerMessage(EventId = EventIds.SupervisorChannelFailed, EventName = nameof(EventIds.SupervisorChannelFailed), Level = LogLevel.Error,
            Message = "The Supervisor channel failed")]
        public static partial void ChannelFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = EventIds.SupervisorGone, EventName = nameof(EventIds.SupervisorGone), Level = LogLevel.Warning,
            Message = "The Supervisor channel closed: the Supervisor is gone, stopping")]
        public static partial void SupervisorGone(ILogger logger);

        [LoggerMessage(EventId = EventIds.SupervisorCommandUnknown, EventName = nameof(EventIds.SupervisorCommandUnknown), Level = LogLevel.Warning,
            Message = "Ignoring unknown Supervisor command '{Command}'")]
        public static partial void UnknownCommand(ILogger logger, string command);

        [LoggerMessage(EventId = EventIds.SupervisorStop, EventName = nameof(EventIds.SupervisorStop), Level = LogLevel.Information,
            Message = "The Supervisor asked to {Command}: stopping, in-flight requests get {DeadlineMs} ms")]
        public static partial void Stopping(ILogger logger, string command, double deadlineMs);

        [LoggerMessage(EventId = EventIds.SupervisorNotHealthyYet, EventName = nameof(EventIds.SupervisorNotHealthyYet), Level = LogLevel.Debug,
            Message = "Health checks report Unhealthy; not ready yet")]
        public static partial void NotHealthyYet(ILogger logger);

        [LoggerMessage(EventId = EventIds.SupervisorPeersUpdated, EventName = nameof(EventIds.SupervisorPeersUpdated), Level = LogLevel.Debug,
            Message = "Peer address book version {Version}: {Peers} workers can serve forwarded requests")]
        public static partial void PeersUpdated(ILogger logger, long version, int peers);
    }
}

/// <summary>Where the channel is and the secret to present, from the environment the Supervisor set.</summary>
internal sealed record SupervisorChannelSettings(string ChannelPath, string Secret);
