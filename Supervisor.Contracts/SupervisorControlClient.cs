using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ReferenceApp.Supervisor.Contracts;

/// <summary>
/// A typed client for Supervisors' control APIs: status and commands, each sent once. Give it an HttpClient without a
/// retry handler: a retried kill would kill the replacement too. Every failure but the caller's cancellation is a
/// <see cref="SupervisorControlException"/>; the token goes in the Authorization header and nowhere else.
/// </summary>
public sealed class SupervisorControlClient(HttpClient http)
{
    public Task<SupervisorStatus> GetStatusAsync(ControlEndpoint supervisor, CancellationToken cancellationToken) =>
        SendAsync(supervisor, HttpMethod.Get, "status", SupervisorControlJson.Default.SupervisorStatus, cancellationToken);

    /// <summary>Starts a rolling reload; a reload already running is a 409.</summary>
    public Task<ReloadStatus> ReloadAsync(ControlEndpoint supervisor, CancellationToken cancellationToken) =>
        SendAsync(supervisor, HttpMethod.Post, "reload", SupervisorControlJson.Default.ReloadStatus, cancellationToken);

    /// <summary>Replaces one worker gracefully: the new process is ready before the old one drains.</summary>
    public Task<WorkerCommandResponse> RestartWorkerAsync(ControlEndpoint supervisor, int index, CancellationToken cancellationToken) =>
        SendAsync(supervisor, HttpMethod.Post, $"workers/{Invariant(index)}/restart", SupervisorControlJson.Default.WorkerCommandResponse, cancellationToken);

    /// <summary>SIGKILL, as a crash would; the Supervisor replaces the worker. A slot without a process is a 409.</summary>
    public Task<WorkerCommandResponse> KillWorkerAsync(ControlEndpoint supervisor, int index, CancellationToken cancellationToken) =>
        SendAsync(supervisor, HttpMethod.Post, $"workers/{Invariant(index)}/kill", SupervisorControlJson.Default.WorkerCommandResponse, cancellationToken);

    /// <summary>Changes the number of workers (1-64); the Supervisor starts or drains them in the background.</summary>
    public Task<ScaleResponse> ScaleAsync(ControlEndpoint supervisor, int workers, CancellationToken cancellationToken) =>
        SendAsync(supervisor, HttpMethod.Post, $"scale?workers={Invariant(workers)}", SupervisorControlJson.Default.ScaleResponse, cancellationToken);

    private async Task<T> SendAsync<T>(ControlEndpoint supervisor, HttpMethod method, string path, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        using var request = new HttpRequestMessage(method, new Uri(WithTrailingSlash(supervisor.BaseAddress), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", supervisor.Token);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw SupervisorControlException.Answered(response.StatusCode, response.ReasonPhrase, await ProblemAsync(response, cancellationToken));
            }

            try
            {
                return await response.Content.ReadFromJsonAsync(answer, cancellationToken) ?? throw new JsonException("The body is empty.");
            }
            catch (JsonException exception)
            {
                throw SupervisorControlException.Answered(response.StatusCode, response.ReasonPhrase,
                    $"{method} /{path} answered what the control API never sends: {exception.Message}", exception);
            }
        }
        catch (HttpRequestException exception)
        {
            throw SupervisorControlException.NoAnswer(exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw SupervisorControlException.NoAnswer(exception); // HttpClient.Timeout elapsed
        }
    }

    /// <summary>A problem details body as one line ("title: detail"), or the status line and the text when there is none.</summary>
    private static async Task<string> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                var parts = new[] { Text(document.RootElement, "title"), Text(document.RootElement, "detail") }.Where(part => !string.IsNullOrWhiteSpace(part)).ToArray();
                if (parts.Length > 0)
                {
                    return string.Join(": ", parts);
                }
            }
        }
        catch (JsonException)
        {
            // Not problem details: the status line and the raw text must do.
        }

        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        return string.IsNullOrWhiteSpace(body) ? status : $"{status}: {Shorten(body)}";
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Shorten(string text) => text.Length <= 300 ? text.Trim() : string.Concat(text.AsSpan(0, 300), "…");

    // Uri(base, "status") replaces the last segment of a base without a trailing slash.
    private static Uri WithTrailingSlash(Uri address) => address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
