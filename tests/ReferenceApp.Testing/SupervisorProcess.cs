using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReferenceApp.Testing;

/// <summary>
/// A real Supervisor process running a worker app on a free public port, with a client for its control API (the token and
/// control port come from its start-up lines) and a client for the public port.
/// </summary>
public sealed class SupervisorProcess : IAsyncDisposable
{
    public static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(90);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private SupervisorProcess(ChildProcess process, int port, int controlPort, string token)
    {
        Process = process;
        Port = port;
        ControlPort = controlPort;
        Token = token;
        Control = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{controlPort.ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(30) };
        Control.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Public = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public ChildProcess Process { get; }

    public int Pid => Process.Pid;

    public int Port { get; }

    public int ControlPort { get; }

    public string Token { get; }

    /// <summary>The control API, with the bearer token.</summary>
    public HttpClient Control { get; }

    /// <summary>The public port (keep-alive connections; see <see cref="GetOnNewConnectionAsync"/>).</summary>
    public HttpClient Public { get; }

    /// <summary>The Supervisor's command line for a worker app, on a free public port and a free control port.</summary>
    public static IReadOnlyList<string> Arguments(string app, int port, int workers, IEnumerable<string>? extra = null) =>
    [
        "--app", app,
        "--port", port.ToString(CultureInfo.InvariantCulture),
        "--address", "127.0.0.1",
        "--workers", workers.ToString(CultureInfo.InvariantCulture),
        "--control-port", "0",
        .. extra ?? [],
    ];

    /// <summary>Starts the Supervisor and waits for its ready line.</summary>
    public static async Task<SupervisorProcess> StartAsync(
        string app,
        int workers,
        IEnumerable<string>? arguments = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        bool keepStdinOpen = false)
    {
        var port = FreePort.Next();
        var variables = new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[key] = value;
        }

        var process = ChildProcess.StartProject("Supervisor", Arguments(app, port, workers, arguments), variables, keepStdinOpen);
        try
        {
            await process.WaitForOutputAsync("Supervisor ready:", ReadyDeadline);
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The Supervisor exited with {process.ExitCode}:\n{process.Output}");
            }

            var lines = process.OutputLines;
            // Printed only when generated; a configured token is the caller's own.
            var token = lines.FirstOrDefault(line => line.StartsWith("Supervisor control token: ", StringComparison.Ordinal))?["Supervisor control token: ".Length..].Trim()
                ?? variables.GetValueOrDefault("Supervisor__ControlToken")
                ?? throw new InvalidOperationException("The Supervisor printed no control token and none was configured.");
            var ready = lines.First(line => line.StartsWith("Supervisor ready:", StringComparison.Ordinal));
            var controlPort = int.Parse(ready[(ready.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            return new SupervisorProcess(process, port, controlPort, token);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public async Task<SupervisorStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        await Control.GetFromJsonAsync<SupervisorStatus>(new Uri("/status", UriKind.Relative), Json, cancellationToken)
        ?? throw new InvalidOperationException("GET /status returned nothing.");

    /// <summary>Polls /status until <paramref name="condition"/> holds; returns that status.</summary>
    public Task<SupervisorStatus> WaitForStatusAsync(Func<SupervisorStatus, bool> condition, TimeSpan deadline, string what) =>
        Eventually.ReturnsAsync(async () => await GetStatusAsync() is var status && condition(status) ? status : null, deadline, what);

    public async Task<HttpResponseMessage> PostAsync(string path) =>
        await Control.PostAsync(new Uri(path, UriKind.Relative), content: null);

    /// <summary>A GET on a fresh TCP connection, so the kernel picks a worker anew (keep-alive would stick to one).</summary>
    public async Task<HttpResponseMessage> GetOnNewConnectionAsync(string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.ConnectionClose = true;
        return await Public.SendAsync(request, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Control.Dispose();
        Public.Dispose();
        await Process.DisposeAsync();
    }
}

/// <summary>GET /status of a Supervisor.</summary>
public sealed record SupervisorStatus(string Name, string Policy, int Port, int DesiredWorkers, SupervisorReload? Reload, IReadOnlyList<SupervisorWorker> Workers)
{
    public IReadOnlyList<SupervisorWorker> Ready => Workers.Where(worker => worker.State == "Ready").ToArray();

    public SupervisorWorker Worker(int index) => Workers.Single(worker => worker.Index == index);
}

/// <summary>One worker slot in GET /status.</summary>
public sealed record SupervisorWorker(int Index, int? Pid, string State, DateTimeOffset? StartedAt, int Restarts, long? RssBytes,
    long? GcHeapBytes, long? InFlight, long? RequestsServed, SupervisorWorkerExit? LastExit);

/// <summary>How a worker process ended.</summary>
public sealed record SupervisorWorkerExit(int? Code, int? Signal, DateTimeOffset At, string Reason);

/// <summary>The running or last rolling reload.</summary>
public sealed record SupervisorReload(string State, string Trigger, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, int Replaced, string? Error);
