using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ReferenceApp.AppHost.Hosting.Supervision;

/// <summary>Reads a Supervisor's status through its control API (loopback, bearer token).</summary>
internal sealed class SupervisorControlClient(HttpClient http)
{
    public const string HttpClientName = "supervisor-control";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The status, or null when the control API does not answer (yet).</summary>
    public async Task<SupervisorStatus?> GetStatusAsync(SupervisorControl control, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(control);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(control.BaseAddress, "status"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", control.Token);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode
                ? await response.Content.ReadFromJsonAsync<SupervisorStatus>(Json, cancellationToken)
                : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
