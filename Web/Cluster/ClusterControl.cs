using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using ReferenceApp.Supervisor.Contracts;
using ReferenceApp.Web.Telemetry;

namespace ReferenceApp.Web.Cluster;

/// <summary>
/// The Web server's side of the Supervisors' control APIs (docs/protocol.md, "Control API"): each service's address and token come
/// from configuration and never leave this server. Status polls are not traced; commands are traced, sent once (a retried
/// kill would kill the replacement too) and answered as a <see cref="ControlResult"/> a person can read.
/// </summary>
public sealed partial class ClusterControl(
    IHttpClientFactory httpClients,
    IOptions<ClusterControlOptions> options,
    ILogger<ClusterControl> logger)
{
    public const string HttpClientName = "supervisor-control";

    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The services whose Supervisor this Web may control, in configuration order.</summary>
    public IReadOnlyList<string> Services { get; } = [.. options.Value.Supervisors.Keys];

    /// <summary>Reads a Supervisor's status. Not traced: it is polled every second, and the traces of a person's actions must not drown.</summary>
    public async Task<SupervisorStatus> GetStatusAsync(string service, CancellationToken cancellationToken)
    {
        using var suppressed = SuppressInstrumentationScope.Begin();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StatusTimeout);
        return await Client().GetStatusAsync(Endpoint(service), timeout.Token);
    }

    public Task<ControlResult> KillAsync(string service, int index, CancellationToken cancellationToken) =>
        SendCommandAsync(service, "kill", index, async (client, supervisor, token) => Describe(await client.KillWorkerAsync(supervisor, index, token)), cancellationToken);

    public Task<ControlResult> RestartAsync(string service, int index, CancellationToken cancellationToken) =>
        SendCommandAsync(service, "restart", index, async (client, supervisor, token) => Describe(await client.RestartWorkerAsync(supervisor, index, token)), cancellationToken);

    public Task<ControlResult> ReloadAsync(string service, CancellationToken cancellationToken) =>
        SendCommandAsync(service, "reload", null, async (client, supervisor, token) => Describe(await client.ReloadAsync(supervisor, token)), cancellationToken);

    public Task<ControlResult> ScaleAsync(string service, int workers, CancellationToken cancellationToken) =>
        SendCommandAsync(service, "scale", null, async (client, supervisor, token) => Describe(await client.ScaleAsync(supervisor, workers, token)), cancellationToken);

    private async Task<ControlResult> SendCommandAsync(string service, string command, int? workerIndex,
        Func<SupervisorControlClient, ControlEndpoint, CancellationToken, Task<string>> send, CancellationToken cancellationToken)
    {
        using var activity = WebTelemetry.Source.StartActivity($"cluster {command}", ActivityKind.Internal);
        activity?.SetTag("cluster.service", service);
        activity?.SetTag("cluster.command", command);
        if (workerIndex is { } index)
        {
            activity?.SetTag("worker.index", index);
        }

        var traceId = activity?.TraceId.ToHexString();
        var supervisor = Endpoint(service);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CommandTimeout);
            var summary = await send(Client(), supervisor, timeout.Token);
            activity?.SetStatus(ActivityStatusCode.Ok);
            // The control API answers every command it accepts with 202 Accepted.
            Log.CommandSent(logger, command, service, StatusCodes.Status202Accepted);
            return new ControlResult(true, StatusCodes.Status202Accepted, summary, traceId);
        }
        catch (SupervisorControlException exception) when (exception.StatusCode is { } refused)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Problem);
            Log.CommandSent(logger, command, service, (int)refused);
            return new ControlResult(false, (int)refused, exception.Problem, traceId);
        }
        catch (Exception exception) when (exception is SupervisorControlException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            Log.CommandFailed(logger, command, service, exception);
            var reason = exception is SupervisorControlException unanswered ? unanswered.Problem : exception.Message;
            return new ControlResult(false, 0, $"The {service} Supervisor did not answer: {reason}", traceId);
        }
    }

    private SupervisorControlClient Client() => new(httpClients.CreateClient(HttpClientName));

    private ControlEndpoint Endpoint(string service) =>
        options.Value.Supervisors.TryGetValue(service, out var supervisor) && supervisor is { ControlUrl: { } url, ControlToken: { } token }
            ? new ControlEndpoint(url, token)
            : throw new InvalidOperationException($"No control API is configured for '{service}' (Cluster:{service}:ControlUrl).");

    // The control API's answers in words: a worker command, a scale, a reload.
    private static string Describe(WorkerCommandResponse answer) => answer.Pid is { } pid
        ? Invariant($"worker {answer.Index} (pid {pid}) {answer.Action}")
        : Invariant($"worker {answer.Index} {answer.Action}");

    private static string Describe(ScaleResponse answer) => Invariant($"{answer.PreviousWorkers} → {answer.DesiredWorkers} workers");

    private static string Describe(ReloadStatus answer) => $"reload {answer.State.ToString().ToLowerInvariant()}, one worker at a time";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ClusterCommandSent, EventName = nameof(EventIds.ClusterCommandSent), Level = LogLevel.Information,
            Message = "Cluster command {Command} sent to the {Service} Supervisor: {StatusCode}")]
        public static partial void CommandSent(ILogger logger, string command, string service, int statusCode);

        [LoggerMessage(EventId = EventIds.ClusterCommandFailed, EventName = nameof(EventIds.ClusterCommandFailed), Level = LogLevel.Warning,
            Message = "Cluster command {Command} to the {Service} Supervisor failed")]
        public static partial void CommandFailed(ILogger logger, string command, string service, Exception exception);
    }
}
