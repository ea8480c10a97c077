using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using ReferenceApp.Web.Telemetry;

namespace ReferenceApp.Web.Cluster;

/// <summary>
/// Calls the Supervisors' control APIs (CONTRACTS.md section 3) from the Web server, with the bearer token that never leaves it.
/// Commands are sent once and never retried: a retried kill would kill the replacement too.
/// </summary>
public sealed partial class SupervisorControlClient(
    IHttpClientFactory httpClients,
    IOptions<ClusterControlOptions> options,
    ILogger<SupervisorControlClient> logger)
{
    public const string HttpClientName = "supervisor-control";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
        using var request = CreateRequest(HttpMethod.Get, service, "status");
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"GET /status answered {(int)response.StatusCode} {await ProblemMessageAsync(response, timeout.Token)}",
                inner: null,
                response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync<SupervisorStatus>(Json, timeout.Token)
            ?? throw new InvalidDataException("GET /status answered an empty body.");
    }

    public Task<ControlResult> KillAsync(string service, int index, CancellationToken cancellationToken) =>
        SendCommandAsync(service, $"workers/{Invariant(index)}/kill", "kill", index, cancellationToken);

    public Task<ControlResult> RestartAsync(string service, int index, CancellationToken cancellationToken) =>
        SendCommandAsync(service, $"workers/{Invariant(index)}/restart", "restart", index, cancellationToken);

    public Task<ControlResult> ReloadAsync(string service, CancellationToken cancellationToken) =>
        SendCommandAsync(service, "reload", "reload", null, cancellationToken);

    public Task<ControlResult> ScaleAsync(string service, int workers, CancellationToken cancellationToken) =>
        SendCommandAsync(service, $"scale?workers={Invariant(workers)}", "scale", null, cancellationToken);

    private async Task<ControlResult> SendCommandAsync(string service, string path, string command, int? workerIndex, CancellationToken cancellationToken)
    {
        using var activity = WebTelemetry.Source.StartActivity($"cluster {command}", ActivityKind.Internal);
        activity?.SetTag("cluster.service", service);
        activity?.SetTag("cluster.command", command);
        if (workerIndex is { } index)
        {
            activity?.SetTag("worker.index", index);
        }

        var traceId = activity?.TraceId.ToHexString();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CommandTimeout);
            using var request = CreateRequest(HttpMethod.Post, service, path);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            var succeeded = response.IsSuccessStatusCode;
            var message = succeeded
                ? await SummaryAsync(response, timeout.Token)
                : await ProblemMessageAsync(response, timeout.Token);
            activity?.SetStatus(succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, succeeded ? null : message);
            Log.CommandSent(logger, command, service, path, (int)response.StatusCode);
            return new ControlResult(succeeded, (int)response.StatusCode, message, traceId);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            Log.CommandFailed(logger, command, service, exception);
            return new ControlResult(false, 0, $"The {service} Supervisor did not answer: {exception.Message}", traceId);
        }
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, string service, string path)
    {
        if (!options.Value.Supervisors.TryGetValue(service, out var supervisor) || supervisor.ControlUrl is null)
        {
            throw new InvalidOperationException($"No control API is configured for '{service}' (Cluster:{service}:ControlUrl).");
        }

        var baseAddress = supervisor.ControlUrl.AbsoluteUri.EndsWith('/') ? supervisor.ControlUrl : new Uri(supervisor.ControlUrl.AbsoluteUri + "/");
        var request = new HttpRequestMessage(method, new Uri(baseAddress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", supervisor.ControlToken);
        return request;
    }

    private static async Task<string> SummaryAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(body))
        {
            return $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return Describe(document.RootElement) ?? Shorten(body);
        }
        catch (JsonException)
        {
            return Shorten(body);
        }
    }

    /// <summary>The control API's answers in words: a worker command, a scale, a reload.</summary>
    private static string? Describe(JsonElement answer)
    {
        if (answer.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? Text(string name) => answer.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;
        if (Text("action") is { } action)
        {
            return Text("pid") is { } pid ? $"worker {Text("index")} (pid {pid}) {action}" : $"worker {Text("index")} {action}";
        }

        if (Text("desiredWorkers") is { } desired)
        {
            return $"{Text("previousWorkers")} → {desired} workers";
        }

        if (Text("state") is { } state)
        {
            return $"reload {state.ToLowerInvariant()}, one worker at a time";
        }

        return null;
    }

    /// <summary>A problem details body as one line ("title: detail"), or the status line when there is none.</summary>
    private static async Task<string> ProblemMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            if (title is not null || detail is not null)
            {
                return string.Join(": ", new[] { title, detail }.Where(part => !string.IsNullOrWhiteSpace(part)));
            }
        }
        catch (JsonException)
        {
            // Not problem details: fall back to the status line and the raw text.
        }

        return string.IsNullOrWhiteSpace(body)
            ? $"{(int)response.StatusCode} {response.ReasonPhrase}"
            : $"{(int)response.StatusCode} {response.ReasonPhrase}: {Shorten(body)}";
    }

    private static string Shorten(string text) => text.Length <= 300 ? text.Trim() : string.Concat(text.AsSpan(0, 300), "…");

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "ClusterCommandSent", Level = LogLevel.Information,
            Message = "Cluster command {Command} sent to the {Service} Supervisor ({Path}): {StatusCode}")]
        public static partial void CommandSent(ILogger logger, string command, string service, string path, int statusCode);

        [LoggerMessage(EventId = 2, EventName = "ClusterCommandFailed", Level = LogLevel.Warning,
            Message = "Cluster command {Command} to the {Service} Supervisor failed")]
        public static partial void CommandFailed(ILogger logger, string command, string service, Exception exception);
    }
}
