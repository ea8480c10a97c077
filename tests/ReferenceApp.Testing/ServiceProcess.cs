using System.Globalization;

namespace ReferenceApp.Testing;

/// <summary>A built service of this solution running as a real process on a free port, with an HttpClient pointed at it.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private ServiceProcess(ChildProcess process, int port)
    {
        Process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public ChildProcess Process { get; }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public int Pid => Process.Pid;

    /// <summary>Starts <paramref name="project"/> on a free port and waits until <c>/alive</c> answers 200.</summary>
    public static async Task<ServiceProcess> StartAsync(
        string project,
        IReadOnlyDictionary<string, string?>? environment = null,
        IEnumerable<string>? arguments = null)
    {
        var port = FreePort.Next();
        var variables = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[key] = value;
        }

        var service = new ServiceProcess(ChildProcess.StartProject(project, arguments ?? [], variables), port);
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    if (service.Process.HasExited)
                    {
                        throw new InvalidOperationException($"{project} exited with {service.Process.ExitCode}:\n{service.Process.Output}");
                    }

                    using var response = await service.Client.GetAsync(new Uri("/alive", UriKind.Relative));
                    return response.IsSuccessStatusCode;
                },
                StartDeadline,
                $"{project} to answer /alive on port {port}");
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Process.DisposeAsync();
    }
}
