using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ReferenceApp.AppHost.Hosting;

namespace ReferenceApp.AppHost.Dashboard.Resources;

/// <summary>
/// The dashboard's side of a Supervisor's control API: status for the workers table, commands for the actions.
/// Its own HttpClient, deliberately without retries: a retried kill or scale would act twice.
/// </summary>
public sealed class SupervisorControlClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly string[] ProblemFields = ["title", "detail"];

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    public async Task<SupervisorStatus> GetStatusAsync(SupervisorControl control, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, control, "status");
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<SupervisorStatus>(Json, cancellationToken)
            ?? throw new SupervisorCommandException("The Supervisor answered /status with an empty body.");
    }

    /// <summary>SIGKILL, as a crash would; the Supervisor replaces the worker.</summary>
    public Task KillWorkerAsync(SupervisorControl control, int index, CancellationToken cancellationToken) =>
        PostAsync(control, $"workers/{index.ToString(CultureInfo.InvariantCulture)}/kill", cancellationToken);

    /// <summary>Graceful replacement of one worker.</summary>
    public Task RestartWorkerAsync(SupervisorControl control, int index, CancellationToken cancellationToken) =>
        PostAsync(control, $"workers/{index.ToString(CultureInfo.InvariantCulture)}/restart", cancellationToken);

    public Task ReloadAsync(SupervisorControl control, CancellationToken cancellationToken) =>
        PostAsync(control, "reload", cancellationToken);

    public Task ScaleAsync(SupervisorControl control, int workers, CancellationToken cancellationToken) =>
        PostAsync(control, $"scale?workers={workers.ToString(CultureInfo.InvariantCulture)}", cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task PostAsync(SupervisorControl control, string path, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, control, path);
        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    private static HttpRequestMessage Request(HttpMethod method, SupervisorControl control, string path)
    {
        var baseAddress = control.BaseAddress.AbsoluteUri.EndsWith('/') ? control.BaseAddress : new Uri(control.BaseAddress.AbsoluteUri + "/");
        var request = new HttpRequestMessage(method, new Uri(baseAddress, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", control.Token);
        return request;
    }

    /// <summary>Problem details from the Supervisor become the message a person reads in the dashboard.</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = string.Empty;
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            detail = string.Join(" ", ProblemFields
                .Select(name => problem.RootElement.TryGetProperty(name, out var value) ? value.GetString() : null)
                .OfType<string>());
        }
        catch (JsonException)
        {
            // Not problem details; the status code alone must do.
        }

        throw new SupervisorCommandException($"The Supervisor answered {(int)response.StatusCode} {response.ReasonPhrase}. {detail}".Trim());
    }
}

/// <summary>A control API call the Supervisor refused or could not answer.</summary>
public sealed class SupervisorCommandException : Exception
{
    public SupervisorCommandException()
    {
    }

    public SupervisorCommandException(string message)
        : base(message)
    {
    }

    public SupervisorCommandException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
