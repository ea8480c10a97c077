using System.Globalization;
using System.Net.Http.Headers;
using ReferenceApp.Supervisor.Contracts;

namespace ReferenceApp.Testing;

/// <summary>
/// A real Supervisor process running a worker app on a free public port, with a client for its control API (the token and
/// control port come from its start-up lines) and a client for the public port.
/// </summary>
public sealed class SupervisorProcess : IAsyncDisposable
{
    public static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(90);

    private SupervisorProcess(ChildProcess process, int port, int controlPort, string token)
    {
        Process = process;
        Port = port;
        ControlPort = controlPort;
        Token = token;
        Endpoint = new ControlEndpoint(new Uri($"http://127.0.0.1:{controlPort.ToString(CultureInfo.InvariantCulture)}/"), token);
        Control = new HttpClient { BaseAddress = Endpoint.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Control.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        ControlClient = new SupervisorControlClient(Control);
        Public = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public ChildProcess Process { get; }

    public int Pid => Process.Pid;

    public int Port { get; }

    public int ControlPort { get; }

    public string Token { get; }

    /// <summary>The control API's address and token.</summary>
    public ControlEndpoint Endpoint { get; }

    /// <summary>The control API over raw HTTP, with the bearer token: for tests of its status codes.</summary>
    public HttpClient Control { get; }

    /// <summary>The control API through the client the AppHost, its dashboard and the Web use.</summary>
    public SupervisorControlClient ControlClient { get; }

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
        bool keepStdinOpen = false,
        string? ignoredByLauncher = null,
        SupervisorBinary? binary = null)
    {
        var port = FreePort.Next();
        var variables = new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = "Production" };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[key] = value;
        }

        var process = ChildProcess.StartSupervisor(Arguments(app, port, workers, arguments), variables, keepStdinOpen, ignoredByLauncher, binary);
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

    public Task<SupervisorStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        ControlClient.GetStatusAsync(Endpoint, cancellationToken);

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
