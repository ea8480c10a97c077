using System.Net.Http.Json;

namespace ReferenceApp.Web.Tests.Pages;

/// <summary>Asks the Api itself which processes serve it, on fresh connections, so each lands on the next worker.</summary>
public static class ApiWorkers
{
    private sealed record WhoAmI(int Pid);

    public static async Task<IReadOnlySet<int>> PidsAsync(Uri apiUrl, int expected)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var pids = new HashSet<int>();
        for (var attempt = 0; attempt < expected * 10 && pids.Count < expected; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(apiUrl, "/api/whoami"));
            request.Headers.ConnectionClose = true;
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            pids.Add((await response.Content.ReadFromJsonAsync<WhoAmI>())!.Pid);
        }

        return pids;
    }

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");
}
