using System.Net.Http.Json;
using System.Text.Json;

namespace ReferenceApp.Api.Tests;

internal static class ApiJson
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<JsonElement> PostJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content: null);
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }
}
